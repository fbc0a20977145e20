export { freePort } from '../../services/local/src/free-port.js';
export { waitForHttp } from '../../services/local/src/wait-http.js';
