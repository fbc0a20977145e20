// Preloaded into every node process of an act run (NODE_OPTIONS=--import): no connection and no
// name look-up may leave the loopback interface. moto answers with real-looking AWS host names
// (`*.elb.amazonaws.com`, `*.dkr.ecr.*.amazonaws.com`); one of them reaching the network would
// resolve or contact AWS. A refused attempt fails the call and, even when the caller swallows the
// error, the process: it exits non-zero and the attempt is appended to ACT_GUARD_LOG.
import dns from 'node:dns';
import { appendFileSync } from 'node:fs';
import net from 'node:net';

const loopbackNames = new Set(['localhost', 'ip6-localhost', 'ip6-loopback']);
const isLoopback = (host) => {
  if (host === undefined || host === null || host === '') return true; // Node's default: localhost
  const name = String(host)
    .replace(/^\[|\]$/g, '')
    .toLowerCase();
  if (loopbackNames.has(name) || name.endsWith('.localhost')) return true;
  if (net.isIPv4(name)) return name.startsWith('127.');
  if (net.isIPv6(name)) return name === '::1' || /^::ffff:127\./.test(name);
  return false;
};

// Which node ran what: the act tests check the project's actions ran on the Node the project needs.
if (process.env.ACT_NODE_LOG) {
  appendFileSync(
    process.env.ACT_NODE_LOG,
    `${JSON.stringify({ version: process.version, script: process.argv[1] ?? '' })}\n`,
  );
}

let refused = 0;
function refuse(what, host) {
  refused += 1;
  const line = `loopback guard: refused ${what} ${host} (pid ${process.pid}: ${process.argv.slice(1).join(' ')})`;
  process.stderr.write(`${line}\n`);
  if (process.env.ACT_GUARD_LOG) appendFileSync(process.env.ACT_GUARD_LOG, `${line}\n`);
  const error = new Error(`${line}: an act run may only reach 127.0.0.1`);
  error.code = 'ECONNREFUSED';
  return error;
}

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(...args) {
  const first = args[0];
  const options = Array.isArray(first) ? first[0] : first;
  let host;
  if (typeof options === 'object' && options !== null) {
    if (options.path === undefined) host = options.host;
    else return connect.apply(this, args); // a unix socket
  } else if (typeof options === 'string' && !/^\d+$/.test(options)) {
    return connect.apply(this, args); // a unix socket path
  } else {
    host = args[1];
  }
  if (!isLoopback(host)) {
    const error = refuse('a connection to', host);
    process.nextTick(() => this.destroy(error));
    return this;
  }
  return connect.apply(this, args);
};

const lookup = dns.lookup;
dns.lookup = function guardedLookup(hostname, options, callback) {
  const done = typeof options === 'function' ? options : callback;
  if (!isLoopback(hostname)) {
    const error = refuse('a look-up of', hostname);
    process.nextTick(() => done(error));
    return {};
  }
  return lookup.call(this, hostname, options, callback);
};
const promisesLookup = dns.promises.lookup;
dns.promises.lookup = async function guardedPromisesLookup(hostname, options) {
  if (!isLoopback(hostname)) throw refuse('a look-up of', hostname);
  return promisesLookup.call(this, hostname, options);
};
for (const method of ['resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveCname']) {
  const original = dns[method];
  dns[method] = function guardedResolve(hostname, ...rest) {
    if (isLoopback(hostname)) return original.call(this, hostname, ...rest);
    const done = rest[rest.length - 1];
    const error = refuse('a look-up of', hostname);
    process.nextTick(() => done(error));
    return undefined;
  };
}

process.on('exit', (code) => {
  if (refused > 0 && code === 0) process.exitCode = 1;
});
