// One file per kernel family; importing registers them with the kernel registry under 'webgpu'.
import './unary.js';
import './binary.js';
import './cast.js';
import './reduce.js';
import './matmul.js';
import './movement.js';
import './gather.js';
import './conv.js';
import './norm.js';
import './optim.js';
import './sort.js';
