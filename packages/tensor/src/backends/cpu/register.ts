import { engine } from '../../engine.js';
import { CpuBackend } from './backend-cpu.js';
import './kernels/index.js';

engine.registerBackend('cpu', () => new CpuBackend());
