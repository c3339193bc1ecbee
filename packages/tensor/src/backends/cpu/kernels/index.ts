// One file per kernel (or per family sharing one table); importing registers them.
import './reshape.js';
