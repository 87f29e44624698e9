// S7 lint: every function, operator and relation named in privileged SQL is
// schema-qualified. The SQL is parsed by PostgreSQL's own parser (libpg_query, compiled
// to WebAssembly: the npm package libpg-query), never by regular expressions:
//
//   --sql FILE...   install/upgrade SQL parts (with @extschema@)
//   --cpp FILE...   preprocessed C++ (g++ -E): the SQL string literals that C++ code
//                   sends through SPI (functions and relations; see below for operators)
//
// Flagged (an unqualified name could bind to an object a non-superuser planted in a
// schema searched first): a function call `f(...)`; an operator `a = b`, also inside
// IN, BETWEEN, LIKE, IS DISTINCT FROM, NULLIF, ANY/ALL and subquery comparisons (write
// `OPERATOR(pg_catalog.=)`, `= ANY` becomes `OPERATOR(pg_catalog.=) ANY`); a relation
// `FROM t` (CTE names excepted); the function of CREATE TRIGGER, CREATE/ALTER/COMMENT/
// GRANT/DROP FUNCTION; tables in COMMENT/DROP. Type names are not flagged: pg_catalog is
// always searched before any other schema for them in these contexts.
// PL/pgSQL bodies (CREATE FUNCTION ... LANGUAGE plpgsql, DO) are parsed with the
// PL/pgSQL parser and each embedded expression and statement is checked the same way;
// LANGUAGE sql bodies are parsed as SQL. Output: TAP, one test per file (SQL) or per
// statement (C++), with each violation as a diagnostic line.
import { parse, parsePlPgSQL } from 'libpg-query';
import { readFileSync } from 'node:fs';

const OP_KINDS = new Set(['AEXPR_OP', 'AEXPR_OP_ANY', 'AEXPR_OP_ALL', 'AEXPR_DISTINCT',
  'AEXPR_NOT_DISTINCT', 'AEXPR_NULLIF', 'AEXPR_IN', 'AEXPR_LIKE', 'AEXPR_ILIKE',
  'AEXPR_SIMILAR', 'AEXPR_BETWEEN', 'AEXPR_NOT_BETWEEN', 'AEXPR_BETWEEN_SYM',
  'AEXPR_NOT_BETWEEN_SYM']);

// Transition tables of hitlai's statement triggers (REFERENCING NEW TABLE AS ...): the
// query environment resolves them before any schema, so they can't be captured.
const transitionTables = new Set();
const names = (list) => (list || []).map((n) => n.String?.sval ?? '?');

// Checks one parsed statement list; pushes "what: name" strings into `out`.
async function checkTree(tree, out) {
  const ctes = new Set();
  const bodies = [];   // [language, text] of function bodies and DO blocks
  (function collect(node) {
    if (Array.isArray(node)) { node.forEach(collect); return; }
    if (!node || typeof node !== 'object') return;
    if (node.CommonTableExpr) ctes.add(node.CommonTableExpr.ctename);
    for (const v of Object.values(node)) collect(v);
  })(tree);

  (function walk(node) {
    if (Array.isArray(node)) { node.forEach(walk); return; }
    if (!node || typeof node !== 'object') return;
    for (const [key, v] of Object.entries(node)) {
      switch (key) {
        case 'FuncCall': {
          const n = names(v.funcname);
          if (n.length < 2) out.push(`function ${n.join('.')}()`);
          break;
        }
        case 'A_Expr':
          if (OP_KINDS.has(v.kind) && names(v.name).length < 2)
            out.push(`operator ${names(v.name).join('.')} (${v.kind.replace('AEXPR_', '')})`);
          break;
        case 'SubLink':
          if (v.operName && names(v.operName).length < 2)
            out.push(`operator ${names(v.operName).join('.')} (subquery ${v.subLinkType})`);
          break;
        case 'RangeVar':
          if (!v.schemaname && !ctes.has(v.relname) && !transitionTables.has(v.relname))
            out.push(`relation ${v.relname}`);
          break;
        case 'LockingClause':   // FOR UPDATE OF alias: names a range-table entry, not a relation
          continue;
        case 'ObjectWithArgs':
          if (names(v.objname).length < 2) out.push(`function ${names(v.objname).join('.')}`);
          break;
        case 'CreateTrigStmt':
          if (names(v.funcname).length < 2) out.push(`trigger function ${names(v.funcname).join('.')}`);
          break;
        case 'CreateFunctionStmt': {
          if (names(v.funcname).length < 2) out.push(`new function ${names(v.funcname).join('.')}`);
          const opt = (k) => (v.options || []).map((o) => o.DefElem).find((d) => d.defname === k);
          const lang = opt('language')?.arg?.String?.sval;
          const as = opt('as')?.arg?.List?.items?.map((i) => i.String?.sval);
          if (as && as.length === 1 && (lang === 'sql' || lang === 'plpgsql')) bodies.push([lang, as[0], v]);
          break;
        }
        case 'DoStmt': {
          const as = (v.args || []).map((o) => o.DefElem).find((d) => d.defname === 'as');
          bodies.push(['do', as.arg.String.sval]);
          break;
        }
        case 'CommentStmt':
        case 'DropStmt': {
          const objs = key === 'DropStmt' ? (v.objects || []) : [v.object];
          const need = { OBJECT_TABLE: 2, OBJECT_VIEW: 2, OBJECT_INDEX: 2, OBJECT_COLUMN: 3,
                         OBJECT_TRIGGER: 3, OBJECT_POLICY: 3, OBJECT_TABCONSTRAINT: 3,
                         OBJECT_RULE: 3 }[v.objtype || v.removeType];
          for (const o of objs) {
            const n = names(o?.List?.items);
            if (need && o?.List && n.length < need) out.push(`${(v.objtype || v.removeType).slice(7).toLowerCase()} ${n.join('.')}`);
          }
          break;
        }
        default:
      }
      walk(v);
    }
  })(tree);

  for (const [lang, text] of bodies) {
    if (lang === 'sql') { await checkSql(text, out, 'sql body'); continue; }
    const fn = `CREATE FUNCTION lint_body() RETURNS void LANGUAGE plpgsql AS $lint_body$${text}$lint_body$`;
    let pl;
    try { pl = await parsePlPgSQL(fn); } catch (e) {
      // A trigger function body refers to NEW/OLD, which need RETURNS trigger.
      try { pl = await parsePlPgSQL(fn.replace('RETURNS void', 'RETURNS trigger')); }
      catch (e2) { out.push(`unparsable PL/pgSQL body: ${e2.message}`); continue; }
    }
    const exprs = [];
    (function find(node) {
      if (Array.isArray(node)) { node.forEach(find); return; }
      if (!node || typeof node !== 'object') return;
      if (node.PLpgSQL_expr) exprs.push(node.PLpgSQL_expr);
      for (const v of Object.values(node)) find(v);
    })(pl);
    for (const e of exprs) {
      let q = e.query;
      if (e.parseMode === 3) q = 'SELECT ' + q.replace(/^[^:]*:=/, '');
      else if (e.parseMode && e.parseMode !== 0) q = 'SELECT ' + q;
      await checkSql(q, out, 'PL/pgSQL');
    }
  }
}

async function checkSql(text, out, where) {
  let tree;
  try { tree = await parse(text); } catch (e) { out.push(`unparsable ${where}: ${e.message}`); return; }
  await checkTree(tree, out);
}

const prep = (s) => s.replaceAll('@extschema@', 'hitlai').replaceAll('MODULE_PATHNAME', '$libdir/hitlai');

// The SQL statements among the string literals of preprocessed C++ (adjacent literals
// joined, as the compiler does), with the source line where each starts.
function cppStatements(text) {
  const stmts = [];
  let file = '?', line = 1, i = 0, cur = null;
  const flush = () => {
    if (cur && /^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\s+\S/i.test(cur.sql)) stmts.push(cur);
    cur = null;
  };
  while (i < text.length) {
    const c = text[i];
    if (c === '\n') {
      line++; i++;
      const m = /^# (\d+) "([^"]*)"/.exec(text.slice(i, i + 300));
      if (m) { flush(); line = Number(m[1]) - 1; file = m[2]; i = text.indexOf('\n', i); }
      continue;
    }
    if (c === 'R' && text[i + 1] === '"') {
      const open = text.indexOf('(', i);
      const delim = text.slice(i + 2, open);
      const end = text.indexOf(`)${delim}"`, open);
      const s = text.slice(open + 1, end);
      if (!cur) cur = { file, line, sql: '' };
      cur.sql += s;
      line += (s.match(/\n/g) || []).length;
      i = end + delim.length + 2;
      continue;
    }
    if (c === '"' && text[i - 1] !== "'") {
      let j = i + 1, s = '';
      while (text[j] !== '"') {
        if (text[j] === '\\') {
          const n = text[j + 1];
          s += n === 'n' ? '\n' : n === 't' ? '\t' : n;
          j += 2;
        } else s += text[j++];
      }
      if (!cur) cur = { file, line, sql: '' };
      cur.sql += s;
      i = j + 1;
      continue;
    }
    if (/\s/.test(c)) { i++; continue; }
    flush();
    i++;
  }
  flush();
  return stmts;
}

// Arguments: --sql FILE... --cpp FILE.i... --transitions SQLFILE... (any order, any may
// be absent). The --transitions files declare the transition tables.
const args = { '--sql': [], '--cpp': [], '--transitions': [] };
let cur = null;
for (const a of process.argv.slice(2)) {
  if (a in args) cur = a;
  else if (cur) args[cur].push(a);
  else { console.error('usage: qualified_names.mjs [--sql FILE...] [--cpp FILE.i...] [--transitions FILE...]'); process.exit(2); }
}
const results = [];
for (const f of args['--transitions']) {
  (function find(node) {
    if (Array.isArray(node)) { node.forEach(find); return; }
    if (!node || typeof node !== 'object') return;
    if (node.TriggerTransition) transitionTables.add(node.TriggerTransition.name);
    for (const v of Object.values(node)) find(v);
  })(await parse(prep(readFileSync(f, 'utf8'))));
}
for (const f of args['--sql']) {
  const out = [];
  await checkSql(prep(readFileSync(f, 'utf8')), out, 'script');
  results.push([`S7: every function, operator and relation in ${f} is schema-qualified`, out]);
}
for (const f of args['--cpp']) {
  for (const st of cppStatements(readFileSync(f, 'utf8'))) {
    if (!st.file.startsWith('src/') && !st.file.includes('/src/')) continue;
    const all = [];
    await checkSql(st.sql, all, 'SPI statement');
    // Operators in SPI statements: every C function runs with search_path =
    // pg_catalog, pg_temp (test/pgtap/28_grants.sql checks it), and operators are never
    // looked up in pg_temp, so an unqualified operator can only be pg_catalog's.
    const out = all.filter((o) => !o.startsWith('operator '));
    const head = st.sql.trim().replace(/\s+/g, ' ').slice(0, 60);
    results.push([`S7: SPI statement at ${st.file.replace(/.*\/src\//, 'src/')}:${st.line} is schema-qualified (${head}...)`, out]);
  }
}
console.log(`1..${results.length}`);
let failed = 0;
results.forEach(([name, out], k) => {
  const uniq = [...new Set(out)];
  if (uniq.length) failed++;
  console.log(`${uniq.length ? 'not ok' : 'ok'} ${k + 1} - ${name}`);
  for (const o of uniq) console.log(`#   unqualified ${o}`);
});
process.exit(failed ? 1 : 0);
