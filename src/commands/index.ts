export { showOutput } from './showOutput';
