// One file per kernel (or per family sharing one table); importing registers them.
import './reshape.js';
import './unary.js';
import './binary.js';
import './where.js';
import './cast.js';
import './clone.js';
import './reduce.js';
import './arg-reduce.js';
import './matmul.js';
import './transpose.js';
import './slice.js';
import './pad.js';
import './concat.js';
import './expand.js';
import './gather.js';
import './scatter-add.js';
import './index-select.js';
