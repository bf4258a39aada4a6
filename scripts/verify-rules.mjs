// Community-node rules that n8n's source already enforces but the released lint and scanner
// (0.32.0) do not yet: errors about an item carry its index, no node claims the "AI" codex
// category, n8nNodesApiVersion is a JSON number, and no bundle evaluates code at run time.
// Each rule takes a folder and returns { scanned, findings }; a finding is { file, line, message }
// with file an absolute path. The checks read syntax only (ts.createSourceFile, no type checker),
// so they run in a second and need nothing but the files.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

function filesBelow(folder, accept) {
	const out = [];
	for (const entry of readdirSync(folder, { withFileTypes: true })) {
		if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
		const path = join(folder, entry.name);
		if (entry.isDirectory()) out.push(...filesBelow(path, accept));
		else if (accept(entry.name)) out.push(path);
	}
	return out.sort();
}

const lineOf = (source, node) => source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;

/** The 1-based line of the first occurrence of `needle` in `text`, or 1. */
function lineOfText(text, needle) {
	const at = text.indexOf(needle);
	return at < 0 ? 1 : text.slice(0, at).split('\n').length;
}

// ---------------------------------------------------------------------------------------------
// Rule 1: a NodeOperationError raised while handling an item says which item (`{ itemIndex }`),
// so n8n shows it on that item and continue-on-fail pairs the error output with it.

/** Parameter names that mark a function as per-item (the pool callback, the shared error builders). */
const ITEM_PARAMETERS = new Set(['itemIndex', 'i', 'index']);
/** `this` types of node methods that n8n calls without input items: errors there are node-wide. */
const NO_ITEM_CONTEXTS = new Set([
	'IWebhookFunctions',
	'IPollFunctions',
	'ITriggerFunctions',
	'IHookFunctions',
	'ILoadOptionsFunctions',
	'ICredentialTestFunctions',
]);
/** Array methods whose callback runs once per element, as a loop body would. */
const PER_ELEMENT_METHODS = new Set(['map', 'flatMap', 'forEach']);

function bindingNames(name) {
	if (ts.isIdentifier(name)) return [name.text];
	return name.elements.flatMap((element) => (ts.isOmittedExpression(element) ? [] : bindingNames(element.name)));
}

const LOOP_KINDS = new Map([
	[ts.SyntaxKind.ForStatement, 'a for loop'],
	[ts.SyntaxKind.ForOfStatement, 'a for…of loop'],
	[ts.SyntaxKind.ForInStatement, 'a for…in loop'],
	[ts.SyntaxKind.WhileStatement, 'a while loop'],
	[ts.SyntaxKind.DoStatement, 'a do…while loop'],
]);

/**
 * Why the node stands in an item context, or undefined when it does not. Walks outward: the
 * nearest function with an item parameter decides yes; a function whose `this` (or a parameter)
 * is a webhook, poll, trigger, hook or load-options context decides no (n8n gives those no input items, so a loop there
 * runs over something else, e.g. header names); otherwise any enclosing loop or per-element
 * callback decides yes.
 */
function itemContext(source, node) {
	let loop;
	for (let at = node.parent; at; at = at.parent) {
		const kind = LOOP_KINDS.get(at.kind);
		if (kind && !loop) loop = { why: `${kind} (line ${lineOf(source, at)})`, name: undefined };
		if (!ts.isFunctionLike(at) || !at.parameters) continue;
		let noItems = false;
		for (const parameter of at.parameters) {
			const names = bindingNames(parameter.name);
			const typeNames = [];
			const collect = (type) => {
				if (ts.isTypeReferenceNode(type) && ts.isIdentifier(type.typeName)) typeNames.push(type.typeName.text);
				else if (ts.isUnionTypeNode(type) || ts.isIntersectionTypeNode(type)) type.types.forEach(collect);
				else typeNames.push('');
			};
			if (parameter.type) collect(parameter.type);
			// `this`, or a helper's context parameter, of a kind n8n calls without items.
			if (typeNames.length > 0 && typeNames.every((name) => NO_ITEM_CONTEXTS.has(name))) noItems = true;
			if (names[0] === 'this') continue;
			const itemName = names.find((name) => ITEM_PARAMETERS.has(name));
			if (itemName) return { why: `a function with the parameter "${itemName}" (line ${lineOf(source, at)})`, name: itemName };
		}
		if (noItems) return undefined;
		const call = at.parent;
		if (
			!loop &&
			call &&
			ts.isCallExpression(call) &&
			call.arguments.includes(at) &&
			ts.isPropertyAccessExpression(call.expression) &&
			PER_ELEMENT_METHODS.has(call.expression.name.text)
		) {
			loop = { why: `a .${call.expression.name.text} callback (line ${lineOf(source, at)})`, name: undefined };
		}
	}
	return loop;
}

function isNodeOperationError(expression) {
	if (ts.isIdentifier(expression)) return expression.text === 'NodeOperationError';
	return ts.isPropertyAccessExpression(expression) && expression.name.text === 'NodeOperationError';
}

/**
 * Only an object literal with an `itemIndex` property (`{ itemIndex }`, `{ itemIndex: i }`) counts:
 * without a type checker the keys of a spread or of a variable are unknown, so `{ ...options }` or
 * `options` alone is reported; write `{ ...options, itemIndex }`.
 */
function hasItemIndexOption(argument) {
	if (!argument || !ts.isObjectLiteralExpression(argument)) return false;
	return argument.properties.some(
		(property) =>
			(ts.isPropertyAssignment(property) || ts.isShorthandPropertyAssignment(property)) &&
			(ts.isIdentifier(property.name) || ts.isStringLiteral(property.name)) &&
			property.name.text === 'itemIndex',
	);
}

/** `new NodeOperationError(...)` inside an item context without `{ itemIndex }` (every .ts below folder, tests excluded). */
export function itemErrorsWithoutItemIndex(folder) {
	const files = filesBelow(folder, (name) => name.endsWith('.ts') && !name.endsWith('.d.ts') && !/\.(test|spec)\.ts$/.test(name));
	const findings = [];
	for (const file of files) {
		const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
		const visit = (node) => {
			if (ts.isNewExpression(node) && isNodeOperationError(node.expression) && !hasItemIndexOption(node.arguments?.[2])) {
				const context = itemContext(source, node);
				if (context) {
					const option = !context.name || context.name === 'itemIndex' ? '{ itemIndex }' : `{ itemIndex: ${context.name} }`;
					findings.push({
						file,
						line: lineOf(source, node),
						message:
							`new NodeOperationError(...) inside ${context.why} does not say which item failed: ` +
							`pass ${option} as its third argument (an object literal; add it beside any other options)`,
					});
				}
			}
			ts.forEachChild(node, visit);
		};
		visit(source);
	}
	return { scanned: files.length, findings };
}

// ---------------------------------------------------------------------------------------------
// Rule 2: n8n reserves the "AI" codex category for its own AI nodes.

/** Every *.node.json below folder whose `categories` holds "AI". */
export function reservedCategories(folder) {
	const files = filesBelow(folder, (name) => name.endsWith('.node.json'));
	const findings = [];
	for (const file of files) {
		const text = readFileSync(file, 'utf8');
		let codex;
		try {
			codex = JSON.parse(text);
		} catch (error) {
			findings.push({ file, line: 1, message: `is not valid JSON: ${error.message}` });
			continue;
		}
		const categories = Array.isArray(codex.categories) ? codex.categories : [];
		if (categories.some((category) => typeof category === 'string' && category.trim().toLowerCase() === 'ai')) {
			findings.push({
				file,
				line: lineOfText(text, '"categories"'),
				message: `"categories" holds "AI", which n8n reserves for its own AI nodes: remove it (e.g. keep "Development", "Productivity")`,
			});
		}
	}
	return { scanned: files.length, findings };
}

// ---------------------------------------------------------------------------------------------
// Rule 3: n8n reads n8nNodesApiVersion as a number; a string ("1") is rejected.

/** folder/package.json's n8n.n8nNodesApiVersion, unless it is a positive integer of JSON type number. */
export function apiVersionFindings(folder) {
	const file = join(folder, 'package.json');
	const text = readFileSync(file, 'utf8');
	const version = JSON.parse(text).n8n?.n8nNodesApiVersion;
	const findings = [];
	if (!(typeof version === 'number' && Number.isInteger(version) && version > 0)) {
		const shown = version === undefined ? 'missing' : `${JSON.stringify(version)} (a JSON ${typeof version})`;
		const hint = typeof version === 'string' && /^\d+$/.test(version.trim()) ? `write ${version.trim()} without quotes` : 'write e.g. 1';
		findings.push({
			file,
			line: lineOfText(text, '"n8nNodesApiVersion"'),
			message: `n8n.n8nNodesApiVersion is ${shown}; it must be a positive integer of JSON type number: ${hint}`,
		});
	}
	return { scanned: 1, findings };
}

// ---------------------------------------------------------------------------------------------
// Rule 4: no code evaluated at run time. The scanner's malware rules reject eval, the Function
// constructor and node:vm. Parsed, not grepped, so that `evaluate(`, `.evaluateExpression(`, a
// method `parser.eval(` and the words in strings or comments are not mistaken for them.

const GLOBAL_OBJECTS = new Set(['globalThis', 'global', 'window', 'self']);
const VM_RUNNERS = new Set(['runInThisContext', 'runInNewContext', 'runInContext', 'compileFunction']);
const VM_MODULES = new Set(['vm', 'node:vm']);

/** `(eval)`, `(0, eval)` → `eval`: parentheses and comma expressions still call the global. */
function unwrap(expression) {
	for (;;) {
		if (ts.isParenthesizedExpression(expression)) expression = expression.expression;
		else if (ts.isBinaryExpression(expression) && expression.operatorToken.kind === ts.SyntaxKind.CommaToken) expression = expression.right;
		else return expression;
	}
}

/** The global a callee names: `eval`, `globalThis.eval`, `window['Function']`; else undefined. */
function globalCallee(expression) {
	const callee = unwrap(expression);
	if (ts.isIdentifier(callee)) return callee.text;
	const owner = ts.isPropertyAccessExpression(callee) || ts.isElementAccessExpression(callee) ? unwrap(callee.expression) : undefined;
	if (!owner || !ts.isIdentifier(owner) || !GLOBAL_OBJECTS.has(owner.text)) return undefined;
	if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
	return ts.isStringLiteralLike(callee.argumentExpression) ? callee.argumentExpression.text : undefined;
}

function dynamicCodeIn(source) {
	const found = [];
	const visit = (node) => {
		if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
			const name = globalCallee(node.expression);
			const firstArgument = node.arguments?.[0];
			if (name === 'eval' && ts.isCallExpression(node)) found.push([node, 'eval() runs a string as code']);
			else if (name === 'Function') found.push([node, `${ts.isNewExpression(node) ? 'new ' : ''}Function(...) builds code from a string`]);
			else if (name === 'require' && firstArgument && ts.isStringLiteralLike(firstArgument) && VM_MODULES.has(firstArgument.text)) {
				found.push([node, `require('${firstArgument.text}') loads the code-evaluation module`]);
			} else if (
				node.expression.kind === ts.SyntaxKind.ImportKeyword &&
				firstArgument &&
				ts.isStringLiteralLike(firstArgument) &&
				VM_MODULES.has(firstArgument.text)
			) {
				found.push([node, `import('${firstArgument.text}') loads the code-evaluation module`]);
			} else if (ts.isPropertyAccessExpression(node.expression) && VM_RUNNERS.has(node.expression.name.text)) {
				found.push([node, `.${node.expression.name.text}(...) evaluates code (node:vm)`]);
			}
		} else if (
			(ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
			node.moduleSpecifier &&
			ts.isStringLiteral(node.moduleSpecifier) &&
			VM_MODULES.has(node.moduleSpecifier.text)
		) {
			found.push([node, `imports '${node.moduleSpecifier.text}', the code-evaluation module`]);
		}
		ts.forEachChild(node, visit);
	};
	visit(source);
	return found;
}

/** eval, the Function constructor and node:vm in every .js below folder. */
export function dynamicCode(folder) {
	const files = filesBelow(folder, (name) => /\.(c|m)?js$/.test(name));
	const findings = [];
	for (const file of files) {
		const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
		for (const [node, what] of dynamicCodeIn(source)) {
			findings.push({ file, line: lineOf(source, node), message: `${what}; n8n's scanner rejects dynamic code evaluation` });
		}
	}
	return { scanned: files.length, findings };
}
