// Jest loads the global setup and teardown through CommonJS, outside its module mapper: let their
// `./x.js` specifiers (NodeNext style) find the TypeScript sources, which Jest then compiles.
const Module = require('node:module');

const original = Module._resolveFilename;
Module._resolveFilename = function resolveTs(request, parent, ...rest) {
  try {
    return original.call(this, request, parent, ...rest);
  } catch (error) {
    if (request.startsWith('.') && request.endsWith('.js')) {
      return original.call(this, request.slice(0, -3) + '.ts', parent, ...rest);
    }
    throw error;
  }
};
