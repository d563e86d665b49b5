// ESLint rule: each folder of design.md is a room, and a room may import only from the
// rooms listed here. Relative imports are resolved against the importing file, so a
// violation is caught however the path is spelled (`../core/x.js`, `../../src/core`).
import path from 'node:path';

/** Which rooms each room may import from (itself included). */
export const ROOM_IMPORTS = {
  shared: ['shared'],
  gateway: ['shared', 'gateway'],
  core: ['shared', 'core'],
  cli: ['shared', 'core', 'cli'],
  main: ['shared', 'core', 'main'],
  renderer: ['shared', 'renderer'],
};

/** Bare package names only some rooms may import. */
const RESTRICTED_PACKAGES = {
  electron: ['main'],
};

/** @param {string} file absolute path; @param {string} root project root */
export function roomOf(file, root) {
  const rel = path.relative(root, file).split(path.sep);
  if (rel[0] === 'src' && rel[1] && rel[1] in ROOM_IMPORTS) return rel[1];
  if (rel[0] === 'renderer') return 'renderer';
  return undefined;
}

function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** @type {import('eslint').Rule.RuleModule} */
export const roomBoundaries = {
  meta: {
    type: 'problem',
    docs: { description: 'Enforce the import boundaries between the rooms of design.md' },
    schema: [{ type: 'object', properties: { root: { type: 'string' } }, additionalProperties: false }],
    messages: {
      room: "'{{from}}' may not import from '{{to}}' ({{specifier}}): design.md allows {{allowed}}.",
      pkg: "'{{from}}' may not import '{{pkg}}': only {{allowed}} may.",
    },
  },
  create(context) {
    const root = context.options[0]?.root ?? context.cwd;
    const file = context.filename;
    const from = roomOf(file, root);
    if (!from) return {};
    const check = (node, specifier) => {
      if (typeof specifier !== 'string') return;
      if (specifier.startsWith('.')) {
        const to = roomOf(path.resolve(path.dirname(file), specifier), root);
        if (to && !ROOM_IMPORTS[from].includes(to)) {
          context.report({ node, messageId: 'room', data: { from, to, specifier, allowed: ROOM_IMPORTS[from].join(', ') } });
        }
        return;
      }
      const pkg = packageName(specifier.replace(/^node:/, ''));
      const allowedRooms = RESTRICTED_PACKAGES[pkg];
      if (allowedRooms && !allowedRooms.includes(from)) {
        context.report({ node, messageId: 'pkg', data: { from, pkg, allowed: allowedRooms.join(', ') } });
      }
    };
    const fromSource = (node) => node.source && check(node.source, node.source.value);
    return {
      ImportDeclaration: fromSource,
      ExportNamedDeclaration: fromSource,
      ExportAllDeclaration: fromSource,
      ImportExpression: (node) => node.source.type === 'Literal' && check(node.source, node.source.value),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments[0]?.type === 'Literal') {
          check(node.arguments[0], node.arguments[0].value);
        }
      },
    };
  },
};

export default { rules: { 'room-boundaries': roomBoundaries } };
