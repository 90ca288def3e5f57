"""Every Python block of a page as a script that runs on its own (the "Copy as script" button).

A page's blocks run in order as one program, so a block copied alone may miss a function, a
model or a tensor made further up. `page_scripts(codes)` returns, for each block, a script:
the imports it needs, the earlier top-level statements it needs (whole, in page order), and
the block itself. It reads the code with `ast`; it does not run it.

Which earlier statements a block needs is a backward slice over the page's top-level
statements, from the block up:

* **Names.** A statement that binds a name the block reads is needed, then what that
  statement reads, and so on. A function or class, wherever it is used, also needs the
  global names its body reads, as they stand where it is used (they are read at call time).
* **Changes in place.** A statement that may change an object without rebinding its name is
  needed when a later statement needs that object, or anything that shares memory with it:
  a method such as `model.eval()`, `x.add_(1)` or `items.append(v)`; `x[0] = ...`,
  `obj.attr = ...`; `opt.step()`, through the parameters the optimizer holds; `loss.backward()`,
  through every tensor the loss was computed from; a call of a module that keeps running
  statistics (BatchNorm); a call of a page function that changes its argument.
* **Random numbers.** torch's global generator is a hidden variable: each draw reads and
  writes it (a model's constructor draws its initial weights, a random transform draws when
  called, a DataLoader draws when iterated), and `torch.manual_seed` writes it. When a needed
  value was drawn, every draw since the last seed is needed, and the seed.
* **Only the numbers that are shown.** The values of a statement matter only when they reach
  the block's output (`print`), an `assert`, or a branch. A value seen only through its shape
  (`x.shape`, `x.size()`, `len(x)`, `x.dtype`) needs the statement that made it, but not the
  draws before it: a block that prints `tuple(layer(x).shape)` of an unseeded layer does not
  carry the page's earlier random draws.

Where the slicer must guess it keeps more, not less (tools/script_rules.py lists what it
knows). What it cannot see: a value-dependent shape (`x[x > 0]`) of a value seen only through
its shape, an exception message that shows values, a method of an object from outside the
page that changes it under a name the tables do not list, code that torch runs for the page
(a forward hook). tests/test_scripts_site.py runs every script of the built site and compares
its output with the block's, which catches these.
"""

from __future__ import annotations

import ast
import builtins
import symtable
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

from tools import script_rules as R

V, S = 2, 1  # what a need is for: the value (V), or only that it exists, with its shape (S)
Needs = dict[str, int]
BUILTINS = set(dir(builtins))
RNGS = (R.TORCH_RNG, R.PY_RNG, R.NUMPY_RNG)


# ------------------------------------------------------------------ what a value does


@dataclass(frozen=True)
class Val:
    """What the slicer knows about a value: what calling or iterating it does.

    The default is the value it knows nothing about: calling it may draw random numbers and
    change it, iterating it may draw (a DataLoader does).
    """

    call_draws: bool = True
    call_mutates: bool = True
    iter_draws: bool = True
    data: bool = False  # a plain value: a tensor, a number, a string, a container of them
    calls: frozenset[str] = frozenset()  # page functions and classes whose code runs when it is called
    is_class: bool = False  # a page class itself: calling it runs __init__, not forward
    param: str | None = None  # a parameter of the function being read: its caller's argument decides
    returns: Val | None = None  # the value a call returns (None: unknown, or plain data for data)
    items: Val | None = None  # the values iterating it gives

    def result(self) -> Val:
        return self.returns or (DATA if self.data else UNKNOWN)

    def element(self) -> Val:
        if self.items is not None:
            return self.items
        return DATA if self.data else self  # a module's parts behave no worse than the module


UNKNOWN = Val()
DATA = Val(call_draws=False, call_mutates=False, iter_draws=False, data=True)
NEUTRAL = replace(DATA, data=False)  # `self` inside a method: its parts are known one by one


def join(*vals: Val) -> Val:
    """A value that may be any of `vals`."""
    if not vals:
        return DATA
    first = vals[0]
    if all(v == first for v in vals):
        return first
    items = {v.items for v in vals}
    returns = {v.returns for v in vals}
    return Val(
        call_draws=any(v.call_draws for v in vals),
        call_mutates=any(v.call_mutates for v in vals),
        iter_draws=any(v.iter_draws for v in vals),
        data=all(v.data for v in vals),
        calls=frozenset().union(*(v.calls for v in vals)),
        is_class=all(v.is_class for v in vals),
        returns=returns.pop() if len(returns) == 1 else None,
        items=items.pop() if len(items) == 1 else None,
    )


def container(elements: Iterable[Val]) -> Val:
    return replace(DATA, items=join(*elements))


# ------------------------------------------------------------------ small AST helpers


def dotted(node: ast.expr) -> list[str] | None:
    """`a.b.c` -> ['a', 'b', 'c']; None for anything but a chain of attributes on a name."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return [node.id, *reversed(parts)]
    return None


def target_names(target: ast.expr) -> list[str]:
    """The names an assignment target binds (`a, (b, *c) = ...` -> a, b, c), not `x[0]` or `x.a`."""
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, ast.Starred):
        return target_names(target.value)
    if isinstance(target, ast.Tuple | ast.List):
        return [n for elt in target.elts for n in target_names(elt)]
    return []


def names_in(node: ast.AST) -> set[str]:
    """Every name read anywhere under a node (an over-approximation: scopes are ignored)."""
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def body_lists(node: ast.stmt) -> list[list[ast.stmt]]:
    """The statement lists nested directly in a compound statement."""
    lists = [getattr(node, f) for f in ("body", "orelse", "finalbody") if isinstance(getattr(node, f, None), list)]
    lists += [h.body for h in getattr(node, "handlers", [])]
    lists += [c.body for c in getattr(node, "cases", [])]
    return lists


def header_exprs(node: ast.stmt) -> list[ast.AST]:
    """The expressions of a statement itself, not of the statements nested in it."""
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return list(immediate_parts(node))
    nested = {id(s) for body in body_lists(node) for s in body}
    out = []
    for _, value in ast.iter_fields(node):
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, ast.expr):
                out.append(item)
            elif isinstance(item, ast.withitem | ast.match_case | ast.ExceptHandler):
                out += [x for x in ast.iter_child_nodes(item) if isinstance(x, ast.expr) and id(x) not in nested]
    return out


def immediate_parts(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> Iterator[ast.AST]:
    """What a `def` or `class` evaluates when it runs: decorators, defaults, annotations, bases,
    and a class body's own statements (its methods' bodies run later)."""
    yield from node.decorator_list
    if isinstance(node, ast.ClassDef):
        yield from node.bases
        yield from node.keywords
        for stmt in node.body:
            if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                yield from immediate_parts(stmt)
            else:
                yield stmt
        return
    args = node.args
    yield from [*args.defaults, *(d for d in args.kw_defaults if d is not None)]
    for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]:
        if arg is not None and arg.annotation is not None:
            yield arg.annotation
    if node.returns is not None:
        yield node.returns


def global_reads(node: ast.stmt) -> tuple[set[str], set[str]]:
    """The global names a def or class reads when its code runs, and those it assigns (`global x`).
    The reads include the dotted names used through them (`matplotlib.image.imread`), which tell
    which `import a.b` a function needs."""
    reads, writes = set(), set()
    top = symtable.symtable(ast.unparse(node), "<page>", "exec")
    stack = list(top.get_children())
    while stack:
        table = stack.pop()
        stack += table.get_children()
        for sym in table.get_symbols():
            if sym.is_global() and sym.is_referenced():
                reads.add(sym.get_name())
            if sym.is_declared_global() and sym.is_assigned():
                writes.add(sym.get_name())
    chains = {".".join(parts) for n in ast.walk(node) if isinstance(n, ast.Attribute) and (parts := dotted(n))}
    return reads | {c for c in chains if c.split(".")[0] in reads}, writes


def merge(into: Needs, more: Needs) -> Needs:
    for name, need in more.items():
        if need > into.get(name, 0):
            into[name] = need
    return into


# ------------------------------------------------------------------ the page's functions and classes


@dataclass
class Summary:
    """A function or class defined on the page, as its callers see it."""

    node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
    val: Val = UNKNOWN  # the function or class object
    reads: set[str] = field(default_factory=set)  # global names its code reads when it runs
    params: list[str] = field(default_factory=list)  # in call order (without self)
    mutates_params: set[str] = field(default_factory=set)
    mutates_self: bool = False  # a method that changes its object
    mutates_globals: set[str] = field(default_factory=set)
    calls_params: set[str] = field(default_factory=set)  # parameters it calls (a model, a transform)
    iterates_params: set[str] = field(default_factory=set)  # parameters it iterates (a DataLoader)
    returns_shared: set[str] = field(default_factory=set)  # parameters (and globals) its result may share
    seeds: bool = False  # it seeds torch's generator before it draws: its output does not depend on the state
    methods: dict[str, Summary] = field(default_factory=dict)
    attrs: dict[str, Val] = field(default_factory=dict)  # a class: the attributes its methods set on self


@dataclass
class Facts:
    """What one statement does by itself (a compound statement: its header only)."""

    binds: set[str] = field(default_factory=set)
    affected: set[str] = field(default_factory=set)  # objects it may change in place, with what shares them
    draws: set[str] = field(default_factory=set)  # global generators it draws from
    seeds: set[str] = field(default_factory=set)  # global generators it seeds, unconditionally
    maybe_seeds: set[str] = field(default_factory=set)  # ... or on some paths
    carried: set[str] = field(default_factory=set)  # globals read by page code that runs through its values


class Page:
    """A page's code, read once: the facts of every statement, and its functions and classes."""

    def __init__(self, codes: list[str]) -> None:
        self.trees = [ast.parse(code) for code in codes]
        self.facts: dict[int, Facts] = {}  # id(statement) -> facts
        self.draws_at: dict[int, set[str]] = {}  # id(expression) -> the global generators it draws from
        self.summaries: dict[int, Summary] = {}  # id(def or class) -> summary
        self._in_progress: set[int] = set()
        self.quals: dict[str, str] = {}  # every name an import binds -> its dotted path (for function bodies)
        self.defs: dict[str, list[ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef]] = {}
        for tree in self.trees:
            for node in tree.body:
                if isinstance(node, ast.Import | ast.ImportFrom):
                    self.quals.update(import_bindings(node))
                elif isinstance(node, DEFS):
                    self.defs.setdefault(node.name, []).append(node)
        self._reads: dict[str, set[str]] = {}
        reader = Reader(self, scope=None)
        self.top: list[tuple[int, ast.stmt]] = []
        for i, tree in enumerate(self.trees):
            for node in tree.body:
                reader.statement(node)
                self.top.append((i, node))
        self.touched, self.seeding = {}, {}
        for _, node in self.top:
            facts = [f for sub in ast.walk(node) if (f := self.facts.get(id(sub))) is not None]
            self.touched[id(node)] = set().union(*(f.binds | f.affected | f.draws | f.maybe_seeds for f in facts))
            self.seeding[id(node)] = set().union(*(f.maybe_seeds for f in facts))

    def reads(self, name: str) -> set[str]:
        """The global names that the page's function or class `name` reads when it runs, transitively."""
        if name not in self._reads:
            self._reads[name] = closure = set()
            todo = [name]
            while todo:
                for node in self.defs.get(todo.pop(), []):
                    new = self.summary(node).reads - closure
                    closure |= new
                    todo += [n for n in new if n in self.defs]
        return self._reads[name]

    def summary(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> Summary:
        key = id(node)
        if key in self.summaries:
            return self.summaries[key]
        if key in self._in_progress:  # recursion: what it does is still being worked out
            return Summary(node)
        self._in_progress.add(key)
        made = summarize_class(self, node) if isinstance(node, ast.ClassDef) else summarize_function(self, node)
        made.reads, writes = global_reads(node)
        made.mutates_globals |= writes
        self._in_progress.discard(key)
        self.summaries[key] = made
        return made


DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def import_bindings(node: ast.Import | ast.ImportFrom) -> dict[str, str]:
    """name -> dotted path, for each name an import binds (`import a.b` binds a)."""
    out = {}
    for alias in node.names:
        if isinstance(node, ast.ImportFrom):
            out[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif alias.asname:
            out[alias.asname] = alias.name
        else:
            out[alias.name.split(".")[0]] = alias.name.split(".")[0]
    return out


def function_params(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> dict[str, Val]:
    """Each parameter, as a value that its caller's argument will decide."""
    args = node.args
    every = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
    return {a.arg: replace(UNKNOWN, param=a.arg) for a in every if a is not None}


def read_function(page: Page, node: ast.FunctionDef | ast.AsyncFunctionDef, owner: str, attrs=None) -> Summary:
    """A function's summary, from reading its body with its parameters as symbols. A method
    (`attrs` given) also records the attributes it sets on its first parameter."""
    scope = function_params(node)
    positional = [a.arg for a in [*node.args.posonlyargs, *node.args.args]]
    first = positional[0] if attrs is not None and positional else None
    if first is not None:
        scope[first] = NEUTRAL
    reader = Reader(page, scope=scope, self_name=first, self_attrs=attrs)
    reader.statements(node.body)
    params = set(scope) - {first}
    drew = bool(reader.drew) and not reader.seeds_first
    generator = any(isinstance(n, ast.Yield | ast.YieldFrom) for n in ast.walk(node))
    returns = UNKNOWN if generator else join(*reader.returned_vals) if reader.returned_vals else DATA
    return Summary(
        node,
        val=replace(DATA, data=False, call_draws=drew, calls=frozenset({owner}), returns=returns),
        params=[p for p in positional if p != first] + [a.arg for a in node.args.kwonlyargs],
        mutates_params=reader.mutated & params,
        mutates_self=first is not None and first in reader.mutated,
        mutates_globals={n for n in reader.mutated if n not in reader.locals},
        calls_params=reader.called_params & params,
        iterates_params=reader.iterated_params & params,
        returns_shared={n for n in reader.returned if n in params or n not in reader.locals},
        seeds=reader.seeds_first,
    )


def summarize_function(page: Page, node: ast.FunctionDef | ast.AsyncFunctionDef) -> Summary:
    return read_function(page, node, node.name)


def summarize_class(page: Page, node: ast.ClassDef) -> Summary:
    methods = [s for s in node.body if isinstance(s, ast.FunctionDef | ast.AsyncFunctionDef)]
    methods.sort(key=lambda m: m.name != "__init__")  # __init__ first: it sets the attributes
    attrs: dict[str, Val] = {}
    summaries: dict[str, Summary] = {}
    for _ in range(2):  # the second pass knows every attribute's value
        summaries = {m.name: read_function(page, m, node.name, attrs) for m in methods}
    body = Reader(page, scope={})  # the class body's own statements run when the class is defined
    body.statements([s for s in node.body if s not in methods])
    init = summaries.get("__init__")
    init_draws = bool(body.drew) or (init is not None and init.val.call_draws)
    called = [s for name, s in summaries.items() if name != "__init__"]
    call_draws = any(s.val.call_draws for s in called)
    call_mutates = any(s.mutates_self for s in called)
    for base in node.bases:
        for base_node in page.defs.get(base.id if isinstance(base, ast.Name) else "", []):
            if isinstance(base_node, ast.ClassDef):
                b = page.summary(base_node)
                init_draws |= b.val.call_draws and init is None
                call_draws |= b.val.result().call_draws
                call_mutates |= b.val.result().call_mutates
                summaries = {**b.methods, **summaries}
                attrs = {**b.attrs, **attrs}
    parts = join(*attrs.values()) if attrs else DATA  # an nn.Module calls its parts
    instance = Val(
        call_draws=call_draws or parts.call_draws,
        call_mutates=call_mutates or parts.call_mutates,
        iter_draws=call_draws or parts.call_draws,
        calls=frozenset({node.name}),
        returns=DATA,
    )
    val = Val(call_draws=init_draws, call_mutates=False, iter_draws=False, calls=instance.calls, is_class=True)
    return Summary(node, val=replace(val, returns=instance), methods=summaries, attrs=attrs)


# ------------------------------------------------------------------ reading statements in order


class Reader:
    """Reads statements in order, as they run, and records the facts of each one.

    It tracks, for each name: what its value does (`Val`), which names share memory with it
    (`alias`), and which names it was computed from (`derived`, for `loss.backward()`). With
    `scope` None it reads the page's top level; otherwise a function body, whose parameters
    `scope` holds.
    """

    def __init__(
        self,
        page: Page,
        scope: dict[str, Val] | None,
        self_name: str | None = None,
        self_attrs: dict[str, Val] | None = None,
    ) -> None:
        self.page = page
        self.top = scope is None
        self.vals: dict[str, Val] = dict(scope or {})
        self.quals: dict[str, str] = {} if self.top else dict(page.quals)
        self.locals: set[str] = set(scope or {})
        self.alias: dict[str, set[str]] = {}
        self.derived: dict[str, set[str]] = {}
        self.self_name, self.self_attrs = self_name, self_attrs
        self.comp: list[dict[str, Val]] = []  # the scopes of the comprehensions being read
        self.depth = 0  # nesting in compound statements: a binding there may not happen
        self.facts = Facts()
        # What a function body does, for its summary.
        self.drew: set[str] = set()
        self.mutated: set[str] = set()
        self.called_params: set[str] = set()
        self.iterated_params: set[str] = set()
        self.returned: set[str] = set()
        self.returned_vals: list[Val] = []
        self.seeds_first = False
        self._rng_seen = False

    # -------------------------------------------------------------- values

    def lookup(self, name: str) -> Val:
        for scope in reversed(self.comp):
            if name in scope:
                return scope[name]
        if name in self.quals:
            return self.qual_val(self.quals[name])
        if name in self.vals:
            return self.vals[name]
        if not self.top and name in self.page.defs:
            return join(*(self.page.summary(d).val for d in self.page.defs[name]))
        return DATA if name in BUILTINS else UNKNOWN

    def qualname(self, node: ast.expr) -> str | None:
        """The dotted path of an imported object: `F.conv2d` -> 'torch.nn.functional.conv2d'."""
        parts = dotted(node)
        if not parts or parts[0] not in self.quals or any(parts[0] in s for s in self.comp):
            return None
        return ".".join([self.quals[parts[0]], *parts[1:]])

    def qual_val(self, qual: str) -> Val:
        """An imported object as a value (a class's `returns` is its instance)."""
        last = qual.rsplit(".", 1)[-1]
        if is_nn_class(qual):
            return replace(DATA, call_draws=last not in R.NN_NO_INIT_DRAW, returns=nn_instance(last, []))
        if is_transform_class(qual):
            return replace(DATA, returns=transform_instance(last, []))
        if qual.startswith("torchvision.models.") and last[:1].islower():
            return replace(DATA, call_draws=True, returns=UNKNOWN)
        if last[:1].isupper():  # another library's class: its instances hold what they are given
            return replace(DATA, returns=replace(DATA, data=False, call_mutates=True))
        return replace(DATA, call_draws=is_torch_draw(qual))

    def val(self, node: ast.AST | None) -> Val:
        if node is None:
            return DATA
        if isinstance(node, ast.Name):
            return self.lookup(node.id)
        if isinstance(node, ast.Attribute):
            if (q := self.qualname(node)) is not None:
                return self.qual_val(q)
            if (part := self.part(node)) is not None:
                return part
            owner = self.val(node.value)
            return DATA if owner.data or node.attr in R.SHAPE_ATTRIBUTES else replace(owner, param=None)
        if isinstance(node, ast.Subscript):
            return self.val(node.value).element()
        if isinstance(node, ast.Call):
            return self.call_result(node)
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            return container(self.val(e) for e in node.elts)
        if isinstance(node, ast.Dict):
            return container(self.val(v) for v in node.values)
        if isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp):
            with self.comprehension(node.generators):
                return container([self.val(node.value if isinstance(node, ast.DictComp) else node.elt)])
        if isinstance(node, ast.BoolOp):
            return join(*(self.val(v) for v in node.values))
        if isinstance(node, ast.IfExp):
            return join(self.val(node.body), self.val(node.orelse))
        if isinstance(node, ast.Starred | ast.NamedExpr | ast.Await):
            return self.val(node.value)
        if isinstance(node, ast.Lambda):
            return UNKNOWN
        return DATA  # constants, arithmetic, comparisons, f-strings: new plain values

    def part(self, node: ast.Attribute) -> Val | None:
        """The value of an attribute that an object of a page class set on itself, if known."""
        if self.self_name is not None and isinstance(node.value, ast.Name) and node.value.id == self.self_name:
            return (self.self_attrs or {}).get(node.attr)
        for d in self.class_defs(self.val(node.value)):
            if node.attr in (attrs := self.page.summary(d).attrs):
                return attrs[node.attr]
        return None

    def class_defs(self, owner: Val) -> list[ast.ClassDef]:
        return [d for name in owner.calls for d in self.page.defs.get(name, []) if isinstance(d, ast.ClassDef)]

    def methods(self, owner: Val, name: str) -> list[Summary]:
        return [m for d in self.class_defs(owner) if (m := self.page.summary(d).methods.get(name))]

    def is_code(self, name: str) -> bool:
        """A module, a builtin, a function or class of the page: nothing that a statement changes."""
        if name in self.quals:
            return True
        if name in self.vals:
            return self.vals[name].calls == {name}
        return name in BUILTINS or name in self.page.defs

    def call_result(self, call: ast.Call) -> Val:
        func = call.func
        if (q := self.qualname(func)) is not None:
            last = q.rsplit(".", 1)[-1]
            if is_nn_class(q):
                return nn_instance(last, [self.val(a) for a in call.args])
            if is_transform_class(q):
                return transform_instance(last, [self.val(a) for a in call.args])
            if q == "torch.utils.data.DataLoader":
                return self.loader(call)
            if q == "functools.partial" and call.args:
                made = self.val(call.args[0])
                return replace(made, returns=made.result())
            if q in ("copy.deepcopy", "copy.copy") and call.args:
                return replace(self.val(call.args[0]), param=None)
            return self.qual_val(q).result()
        if isinstance(func, ast.Name) and func.id in BUILTINS and func.id not in self.vals:
            if func.id in R.FRESH_BUILTINS:
                return DATA
            return container(self.val(a).element() for a in call.args)
        if isinstance(func, ast.Attribute) and self.part(func) is None:
            owner, name = self.val(func.value), func.attr
            if self.methods(owner, name):
                return UNKNOWN
            if name in R.MODULE_CONVERSIONS | {"eval", "train"} or is_in_place(name):
                return owner
            if name in {"items", "values", "keys"}:
                return container([owner.element()])
            if name in {"modules", "children", "named_modules", "named_children"}:
                return container([owner])
            if name == "forward":
                return owner.result()
            return DATA
        callee = self.val(func)
        result = callee.result()
        if result.param is not None:  # a page function that returns one of its arguments
            for s in self.runs(callee):
                if (arg := bind_arguments(call, s.params).get(result.param)) is not None:
                    return self.val(arg)
            return UNKNOWN
        return result

    def loader(self, call: ast.Call) -> Val:
        """A DataLoader draws when iterated: a base seed from the global generator unless it has
        its own `generator`, and the dataset's draws when they run in this process."""
        kw = {k.arg: k.value for k in call.keywords if k.arg}
        dataset = self.val(call.args[0] if call.args else kw.get("dataset"))
        workers = kw.get("num_workers")
        in_process = not (isinstance(workers, ast.Constant) and isinstance(workers.value, int) and workers.value > 0)
        draws = "generator" not in kw or (in_process and (dataset.iter_draws or dataset.call_draws))
        return Val(call_draws=False, call_mutates=False, iter_draws=draws, calls=dataset.calls, items=DATA)

    # -------------------------------------------------------------- sharing and history

    def aliased(self, node: ast.AST | None) -> set[str]:
        """The names whose objects the value of `node` may be, or share memory with."""
        if node is None:
            return set()
        if isinstance(node, ast.Name):
            if any(node.id in s for s in self.comp) or self.is_code(node.id):
                return set()
            return {node.id} | self.alias.get(node.id, set())
        if isinstance(node, ast.Attribute):
            return set() if node.attr in R.SHAPE_ATTRIBUTES else self.aliased(node.value)
        if isinstance(node, ast.Subscript | ast.Starred | ast.NamedExpr):
            return self.aliased(node.value)
        if isinstance(node, ast.Call):
            return self.call_aliased(node)
        if isinstance(node, ast.Tuple | ast.List | ast.Set | ast.BoolOp):
            return set().union(*(self.aliased(e) for e in getattr(node, "elts", getattr(node, "values", []))))
        if isinstance(node, ast.Dict):
            return set().union(*(self.aliased(v) for v in node.values))
        if isinstance(node, ast.IfExp):
            return self.aliased(node.body) | self.aliased(node.orelse)
        if isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp | ast.Lambda):
            names = {n for n in names_in(node) if n in self.vals and not self.is_code(n)}
            return names.union(*(self.alias.get(n, set()) for n in names))
        return set()  # constants, arithmetic, comparisons: new values

    def call_aliased(self, call: ast.Call) -> set[str]:
        func = call.func
        args = [*call.args, *(k.value for k in call.keywords)]
        everything = set().union(*(self.aliased(a) for a in args))
        if (q := self.qualname(func)) is not None:
            last = q.rsplit(".", 1)[-1]
            if is_nn_class(q) or is_transform_class(q):  # a container holds its parts; a layer holds numbers
                return everything if last in R.NN_CONTAINERS | R.TRANSFORMS_WRAPPERS else set()
            if q.split(".")[0] in R.SHARING_MODULES and q != "copy.deepcopy":
                return everything
            if last[:1].islower():
                return everything if last in R.TORCH_SHARING else set()
            return everything  # another library's object holds what it is given
        if isinstance(func, ast.Name) and func.id in BUILTINS and func.id not in self.vals:
            return set() if func.id in R.FRESH_BUILTINS else everything
        if isinstance(func, ast.Attribute) and self.part(func) is None:
            owner, name = self.aliased(func.value), func.attr
            if self.methods(self.val(func.value), name):
                return owner | everything  # a method of a page class may return anything it holds
            if name in R.SHARING_METHODS | R.MODULE_CONVERSIONS | {"eval", "train"} or is_in_place(name):
                return owner
            return set()  # `x.sum()`, `x.new_zeros(...)`, `s.strip()`: a new value
        callee = self.val(func)
        summaries = self.runs(callee)
        if summaries and all(not isinstance(s.node, ast.ClassDef) for s in summaries):
            shared = set().union(*(s.returns_shared for s in summaries))
            out = set()
            for s in summaries:
                bound = bind_arguments(call, s.params)
                out |= set().union(*(self.aliased(bound[p]) for p in shared if p in bound))
            return out | {n for n in shared if n in self.vals and not self.is_code(n)}
        return everything  # a model, a transform: it may return its input (nn.Identity does)

    def history(self, node: ast.AST | None) -> set[str]:
        """The names whose tensors the value of `node` is computed from, as autograd sees it:
        `loss.backward()` changes the gradients of all of them."""
        if node is None or isinstance(node, ast.Constant | ast.JoinedStr | ast.Lambda):
            return set()
        if isinstance(node, ast.Name):
            if any(node.id in s for s in self.comp) or self.is_code(node.id):
                return set()
            return {node.id} | self.derived.get(node.id, set())
        if isinstance(node, ast.Attribute) and node.attr in R.SHAPE_ATTRIBUTES:
            return set()
        if isinstance(node, ast.Call):
            func = node.func
            args = [*node.args, *(k.value for k in node.keywords)]
            if (q := self.qualname(func)) is not None:
                if q in ("copy.deepcopy", "copy.copy") or q.rsplit(".", 1)[-1] in R.TORCH_CREATION:
                    return set()
            elif isinstance(func, ast.Name) and func.id in BUILTINS and func.id not in self.vals:
                if func.id in R.FRESH_BUILTINS and func.id not in {"sum", "abs", "pow", "round"}:
                    return set()
            elif isinstance(func, ast.Attribute) and self.part(func) is None:
                if func.attr in R.DETACHING_METHODS | R.SHAPE_METHODS:
                    return set()
                if func.attr in R.MODULE_CONVERSIONS:
                    args = []
                return self.history(func.value).union(*(self.history(a) for a in args))
            return self.history(func).union(*(self.history(a) for a in args))
        return set().union(*(self.history(c) for c in ast.iter_child_nodes(node) if isinstance(c, ast.expr)))

    def shared(self, names: Iterable[str]) -> set[str]:
        """The names whose objects change when the objects of `names` change."""
        out: set[str] = set()
        for n in names:
            out |= {n} | self.alias.get(n, set())
        return out

    # -------------------------------------------------------------- effects

    def bind(self, name: str, val: Val, shares: set[str], history: set[str], kill: bool = True) -> None:
        if kill:
            for other in self.alias.pop(name, set()):
                self.alias.get(other, set()).discard(name)
            self.quals.pop(name, None)
        self.vals[name] = val if kill or name not in self.vals else join(self.vals[name], val)
        shares = self.shared(shares) - {name}
        self.alias.setdefault(name, set()).update(shares)
        for other in shares:
            self.alias.setdefault(other, set()).add(name)
        self.derived[name] = (set() if kill else self.derived.get(name, set())) | history
        self.locals.add(name)
        self.facts.binds.add(name)

    def assign(self, target: ast.expr, value: ast.AST | None, val: Val, shares: set[str], history: set[str]) -> None:
        if isinstance(target, ast.Name):
            self.bind(target.id, val, shares, history, kill=self.depth == 0 or not self.top)
        elif isinstance(target, ast.Tuple | ast.List):
            elts = value.elts if isinstance(value, ast.Tuple | ast.List) else None
            pairwise = elts is not None and len(elts) == len(target.elts)
            for i, elt in enumerate(target.elts):
                if pairwise and not isinstance(elt, ast.Starred):
                    self.assign(elt, elts[i], self.val(elts[i]), self.aliased(elts[i]), self.history(elts[i]))
                else:
                    self.assign(elt, None, val.element(), shares, history)
        elif isinstance(target, ast.Starred):
            self.assign(target.value, None, container([val]), shares, history)
        elif isinstance(target, ast.Attribute | ast.Subscript):
            self.mutate(self.aliased(target), holds=shares)
            on_self = isinstance(target.value, ast.Name) and target.value.id == self.self_name
            if isinstance(target, ast.Attribute) and self.self_attrs is not None and on_self:
                old, val = self.self_attrs.get(target.attr), replace(val, param=None)
                self.self_attrs[target.attr] = val if old is None else join(old, val)

    def mutate(self, names: Iterable[str], holds: set[str] = frozenset(), backward: bool = False) -> None:
        """The objects of `names` may change in place (and may now hold the objects of `holds`)."""
        names = set(names)
        if backward:  # gradients reach every tensor the value was computed from
            names |= set().union(*(self.derived.get(n, set()) for n in names))
        changed = self.shared(names)
        self.facts.affected |= changed
        self.mutated |= changed
        for n in names:
            self.alias.setdefault(n, set()).update(self.shared(holds) - {n})

    def draw(self, rng: str, at: ast.AST | None) -> None:
        """A draw from a global generator, by the expression `at` (a call, or what is iterated)."""
        self.facts.draws.add(rng)
        if at is not None and self.top:
            self.page.draws_at.setdefault(id(at), set()).add(rng)
        self._rng_seen = True
        self.drew.add(rng)

    def seed(self, rng: str, unconditional: bool) -> None:
        self.facts.maybe_seeds.add(rng)
        if unconditional and self.depth == 0:
            self.facts.seeds.add(rng)
            self.seeds_first |= rng == R.TORCH_RNG and not self._rng_seen
        self._rng_seen = True

    def iterate(self, node: ast.expr, at: ast.AST) -> None:
        val = self.val(node)
        if val.param is not None:
            self.iterated_params.add(val.param)
        elif val.iter_draws:
            self.draw(R.TORCH_RNG, at)

    # -------------------------------------------------------------- calls

    def calls(self, node: ast.AST, discarded: bool = False) -> None:
        """Record what every call under `node` does. `discarded`: `node` is a whole statement,
        so its outermost call is made for what it does, not for what it returns."""
        self._calls(node, conditional=False, discarded=discarded)

    def _calls(self, node: ast.AST, conditional: bool, discarded: bool = False) -> None:
        if isinstance(node, ast.Lambda | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            return  # runs later, when called: its summary says what it does
        if isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp):
            self._calls(node.generators[0].iter, conditional)
            with self.comprehension(node.generators, record=True):
                rest = [g.iter for g in node.generators[1:]] + [t for g in node.generators for t in g.ifs]
                rest += [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
                for part in rest:
                    self._calls(part, True)
            return
        branches = isinstance(node, ast.BoolOp | ast.IfExp)
        for child in ast.iter_child_nodes(node):
            self._calls(child, conditional or branches)
        if isinstance(node, ast.Call):
            self.call(node, conditional, discarded)

    def call(self, call: ast.Call, conditional: bool, discarded: bool) -> None:
        func, kw = call.func, {k.arg: k.value for k in call.keywords if k.arg}
        args = [*call.args, *(k.value for k in call.keywords)]
        if "out" in kw:
            self.mutate(self.aliased(kw["out"]))
        if (q := self.qualname(func)) is not None:
            last = q.rsplit(".", 1)[-1]
            if q in R.TORCH_SEEDS:
                self.seed(R.TORCH_RNG, not conditional)
            elif (other := is_other_draw(q)) is not None:
                if last == "seed":
                    self.seed(other, not conditional)
                else:
                    self.draw(other, call)
            elif self.qual_val(q).call_draws:
                if "generator" in kw:
                    self.mutate(self.aliased(kw["generator"]))
                else:
                    self.draw(R.TORCH_RNG, call)
            if is_in_place(last):  # nn.init.ones_(w), clip_grad_norm_(model.parameters(), 1.0)
                self.mutate(set().union(*(self.aliased(a) for a in args)))
            if q == "torch.autograd.backward" and args:
                self.mutate(self.aliased(args[0]), backward=True)
            if last.startswith("set_") or last in {"use_deterministic_algorithms", "filterwarnings", "simplefilter"}:
                self.mutate([dotted(func)[0]])  # the library's global state, e.g. torch.set_printoptions
            return
        if isinstance(func, ast.Name) and func.id in BUILTINS and func.id not in self.vals:
            if func.id in R.ITERATING_BUILTINS:
                for a in call.args:
                    self.iterate(a, call)
            if func.id in {"setattr", "delattr"} and args:
                self.mutate(self.aliased(args[0]))
            return
        if isinstance(func, ast.Attribute) and self.part(func) is None:
            self.method(call, func, kw, discarded)
            return
        self.run(self.val(func), call, self.aliased(func), conditional, discarded)

    def run(self, callee: Val, call: ast.Call, callee_names: set[str], conditional: bool, discarded: bool) -> None:
        """A call of a function, class or object that is not imported."""
        args = set().union(*(self.aliased(a) for a in [*call.args, *(k.value for k in call.keywords)]))
        if callee.param is not None:  # the caller's argument decides what this call does
            self.called_params.add(callee.param)
            if discarded:
                self.mutate(args)
            return
        summaries = self.runs(callee)
        functions = [s for s in summaries if not isinstance(s.node, ast.ClassDef) and s.seeds]
        if summaries and len(functions) == len(summaries):
            self.seed(R.TORCH_RNG, not conditional)
        elif callee.call_draws:
            self.draw(R.TORCH_RNG, call)
        if callee.call_mutates:  # a module with running statistics
            self.mutate(callee_names)
        for s in summaries:
            self.apply(s, call)
            if s.mutates_self:
                self.mutate(callee_names)
        if discarded and not summaries:  # called for its effect: it may change what it is given
            self.mutate(args)

    def method(self, call: ast.Call, func: ast.Attribute, kw: dict[str, ast.expr], discarded: bool) -> None:
        name, owner = func.attr, self.aliased(func.value)
        owner_val = self.val(func.value)
        if methods := self.methods(owner_val, name):
            for m in methods:
                if m.val.call_draws:
                    self.draw(R.TORCH_RNG, call)
                self.apply(m, call)
                if m.mutates_self:
                    self.mutate(owner)
            return
        if name == "forward":
            self.run(owner_val, call, owner, False, discarded)
            return
        if name in R.RANDOM_METHODS:
            if "generator" in kw:
                self.mutate(self.aliased(kw["generator"]))
            else:
                self.draw(R.TORCH_RNG, call)
        if name == "backward":
            self.mutate(owner, backward=True)
        elif name in R.MUTATING_METHODS or is_in_place(name):
            self.mutate(owner, holds=set().union(*(self.aliased(a) for a in call.args)))
        elif name in R.MODULE_CONVERSIONS and discarded:  # `model.to(device)`: a module changes in place
            self.mutate(owner)

    def apply(self, s: Summary, call: ast.Call) -> None:
        """What a page function does to, and with, the arguments of this call."""
        bound = bind_arguments(call, s.params)
        spread = any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords)
        every = [*call.args, *(k.value for k in call.keywords)]
        changed = every if spread and s.mutates_params else [a for p, a in bound.items() if p in s.mutates_params]
        self.mutate(set().union(*(self.aliased(a) for a in changed)))
        self.mutate(n for n in s.mutates_globals if n in self.vals or not self.top)
        for p in s.calls_params | s.iterates_params:
            if p not in bound:
                continue
            arg = self.val(bound[p])
            if arg.param is not None:  # passed on: this function's caller decides
                (self.called_params if p in s.calls_params else self.iterated_params).add(arg.param)
                continue
            if (p in s.calls_params and arg.call_draws) or (p in s.iterates_params and arg.iter_draws):
                self.draw(R.TORCH_RNG, call)
            if p in s.calls_params and arg.call_mutates:
                self.mutate(self.aliased(bound[p]))

    def runs(self, callee: Val) -> list[Summary]:
        """The page functions and methods that calling `callee` runs (`__init__` for a class,
        `forward` or `__call__` for an instance)."""
        out = []
        for name in callee.calls:
            for d in self.page.defs.get(name, []):
                s = self.page.summary(d)
                if not isinstance(d, ast.ClassDef):
                    out.append(s)
                else:
                    wanted = ("__init__",) if callee.is_class else ("__call__", "forward")
                    out += [s.methods[m] for m in wanted if m in s.methods]
        return out

    @contextmanager
    def comprehension(self, generators: list[ast.comprehension], record: bool = False) -> Iterator[None]:
        """A comprehension's own scope: its targets, bound to the elements of what it iterates."""
        scope: dict[str, Val] = {}
        self.comp.append(scope)
        try:
            for gen in generators:
                if record:
                    self.iterate(gen.iter, gen.iter)
                element = self.val(gen.iter).element()
                for name in target_names(gen.target):
                    scope[name] = element
            yield
        finally:
            self.comp.pop()

    # -------------------------------------------------------------- statements

    def statements(self, stmts: list[ast.stmt]) -> None:
        for node in stmts:
            self.statement(node)

    def statement(self, node: ast.stmt) -> None:
        outer, self.facts = self.facts, Facts()
        try:
            self._statement(node)
            if self.top:
                self.facts.carried |= self.carried(node)
                self.page.facts[id(node)] = self.facts
        finally:
            self.facts = outer

    def carried(self, node: ast.stmt) -> set[str]:
        """Globals read by the page's functions and classes whose code runs through the values
        this statement uses (`model(x)` runs the methods of model's class)."""
        found: set[str] = set()
        for expr in header_exprs(node):
            for name in names_in(expr):
                for called in self.vals.get(name, DATA).calls:
                    found |= self.page.reads(called) | {called}
        return found

    def nested(self, stmts: list[ast.stmt]) -> None:
        """Statements that may not run (a loop's or a branch's body): their bindings join."""
        self.depth += 1
        self.statements(stmts)
        self.depth -= 1

    def _statement(self, node: ast.stmt) -> None:
        if isinstance(node, ast.Import | ast.ImportFrom):
            for name, qual in import_bindings(node).items():
                self.bind(name, DATA, set(), set())
                self.quals[name] = qual
        elif isinstance(node, DEFS):
            for part in immediate_parts(node):
                self.calls(part)
            self.bind(node.name, self.page.summary(node).val, set(), set())
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            if node.value is None:
                return
            self.calls(node.value)
            val, shares, history = self.val(node.value), self.aliased(node.value), self.history(node.value)
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                if isinstance(target, ast.Attribute | ast.Subscript):
                    self.calls(target)
                self.assign(target, node.value, val, shares, history)
        elif isinstance(node, ast.AugAssign):
            self.calls(node.value)
            if isinstance(node.target, ast.Name):
                name = node.target.id
                self.mutate([name])  # `x += 1` changes a tensor or a list in place
                self.bind(name, self.lookup(name), set(), self.history(node.value), kill=False)
            else:
                self.calls(node.target)
                self.mutate(self.aliased(node.target))
        elif isinstance(node, ast.Expr):
            self.calls(node.value, discarded=True)
        elif isinstance(node, ast.For | ast.AsyncFor):
            self.calls(node.iter)
            self.iterate(node.iter, node.iter)
            element = self.val(node.iter).element()
            for _ in range(2):  # twice: what one iteration shares, the next one sees
                self.depth += 1
                self.assign(node.target, None, element, self.aliased(node.iter), self.history(node.iter))
                self.depth -= 1
                self.nested(node.body)
            self.nested(node.orelse)
        elif isinstance(node, ast.While):
            for _ in range(2):
                self.calls(node.test)
                self.nested(node.body)
            self.nested(node.orelse)
        elif isinstance(node, ast.If):
            self.calls(node.test)
            self.nested(node.body)
            self.nested(node.orelse)
        elif isinstance(node, ast.With | ast.AsyncWith):
            for item in node.items:
                self.calls(item.context_expr)
                if item.optional_vars is not None:
                    v = item.context_expr
                    self.assign(item.optional_vars, v, self.val(v), self.aliased(v), self.history(v))
            self.statements(node.body)
        elif isinstance(node, ast.Try | ast.TryStar):
            for part in [node.body, *([h.type] for h in node.handlers if h.type), *(h.body for h in node.handlers)]:
                if part and isinstance(part[0], ast.expr):
                    self.calls(part[0])
                else:
                    self.nested(part)
            self.nested(node.orelse)
            self.nested(node.finalbody)
        elif isinstance(node, ast.Delete):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    self.facts.binds.add(target.id)
                else:
                    self.mutate(self.aliased(target))
        elif isinstance(node, ast.Match):
            self.calls(node.subject)
            for case in node.cases:
                self.nested(case.body)
        else:  # assert, raise, return, global, pass, ...
            for expr in header_exprs(node):
                self.calls(expr)
            if isinstance(node, ast.Return) and node.value is not None:
                self.returned |= self.aliased(node.value)
                self.returned_vals.append(self.val(node.value))
        if not isinstance(node, DEFS):
            for sub in ast.walk(node):
                if isinstance(sub, ast.NamedExpr) and isinstance(sub.target, ast.Name):
                    self.facts.binds.add(sub.target.id)


def bind_arguments(call: ast.Call, params: list[str]) -> dict[str, ast.expr]:
    """Parameter -> the argument a call passes for it (those that can be matched)."""
    out = {}
    for p, a in zip(params, call.args, strict=False):
        if isinstance(a, ast.Starred):
            break
        out[p] = a
    out.update({k.arg: k.value for k in call.keywords if k.arg})
    return out


def is_in_place(name: str) -> bool:
    """torch's naming: `add_`, `copy_`, `nn.init.normal_` change their first argument."""
    return name.endswith("_") and not name.startswith("_")


def is_torch_draw(qual: str) -> bool:
    parts = qual.split(".")
    if parts[0] != "torch":
        return False
    if qual.startswith("torch.nn.init."):
        return parts[-1] not in R.INIT_CONSTANT
    return parts[-1] in R.TORCH_RANDOM or qual.startswith("torch.distributions.")


def is_other_draw(qual: str) -> str | None:
    """The generator that a function of Python's `random` or NumPy's legacy `numpy.random` uses."""
    parts = qual.split(".")
    if parts[0] == "random" and len(parts) == 2 and (parts[1] in R.PY_RANDOM or parts[1] == "seed"):
        return R.PY_RNG
    if qual.startswith("numpy.random.") and len(parts) == 3 and parts[2][:1].islower() and parts[2] != "default_rng":
        return R.NUMPY_RNG
    return None


def is_nn_class(qual: str) -> bool:
    parts = qual.split(".")
    return qual.startswith("torch.nn.") and parts[-1][:1].isupper() and parts[2] not in {"functional", "init", "utils"}


def is_transform_class(qual: str) -> bool:
    return qual.startswith("torchvision.transforms.") and qual.rsplit(".", 1)[-1][:1].isupper()


def held(args: list[Val]) -> Val:
    """What a container module or transform holds: the values of its arguments' elements."""
    parts = [a.element() if a.items is not None else a for a in args if not a.data or a.items is not None]
    return join(*parts) if parts else DATA


def nn_instance(name: str, args: list[Val]) -> Val:
    parts = held(args) if name in R.NN_CONTAINERS else DATA
    return Val(
        call_draws=name in R.NN_FORWARD_DRAWS or parts.call_draws,
        call_mutates=name in R.NN_STATEFUL or parts.call_mutates,
        iter_draws=False,
        calls=parts.calls,
        returns=DATA,
    )


def transform_instance(name: str, args: list[Val]) -> Val:
    parts = held(args) if name in R.TRANSFORMS_WRAPPERS else DATA
    draws = name not in R.TRANSFORMS_DETERMINISTIC or parts.call_draws
    return Val(call_draws=draws, call_mutates=False, iter_draws=False, calls=parts.calls, returns=DATA)


# ------------------------------------------------------------------ what a statement needs before it


class Slicer:
    """Backward dataflow over a page's statements: what must be known before a statement,
    given what is needed after it. A need is V (the value) or S (only the object, its shape).
    `sink`: the statement is the block's own, so what it prints is the output to reproduce."""

    def __init__(self, page: Page, unseeded: Iterable[str] = ()) -> None:
        self.page = page
        self.unseeded = set(unseeded)  # generators that nothing before the block seeds: their state is noise

    def live(self, stmts: list[ast.stmt], needs: Needs, sink: bool) -> Needs:
        for node in reversed(stmts):
            needs = self.stmt(node, needs, sink)
        return needs

    def stmt(self, node: ast.stmt, needs: Needs, sink: bool) -> Needs:
        facts = self.page.facts.get(id(node), Facts())
        if isinstance(node, ast.For | ast.AsyncFor | ast.While):
            return self.loop(node, needs, sink, facts)
        if isinstance(node, ast.If):
            inner = merge(self.live(node.body, dict(needs), sink), self.live(node.orelse, dict(needs), sink))
            return self.header(node, facts, needs, inner, sink, tests=[node.test])
        if isinstance(node, ast.With | ast.AsyncWith):
            return self.header(node, facts, needs, self.live(node.body, dict(needs), sink), sink)
        if isinstance(node, ast.Try | ast.TryStar):
            after = self.live(node.finalbody, dict(needs), sink)
            caught: Needs = {}  # what the handlers need, if the body raises (an uncaught error ends the script)
            for handler in node.handlers:
                inner = self.live(handler.body, dict(after), sink)
                inner.pop(handler.name or "", None)  # bound by the exception
                merge(caught, inner)
            body = self.live(node.body, merge(self.live(node.orelse, dict(after), sink), caught), sink)
            return self.header(node, facts, needs, merge(body, caught), sink)  # the body may stop anywhere
        if isinstance(node, ast.Match):
            inner = dict(needs)
            for case in node.cases:
                merge(inner, self.live(case.body, dict(needs), sink))
            return self.header(node, facts, needs, inner, sink, tests=header_exprs(node))
        tests = [node.test] if isinstance(node, ast.Assert) else []
        return self.header(node, facts, needs, needs, sink, tests=tests)

    def header(
        self, node: ast.stmt, facts: Facts, after: Needs, inner: Needs, sink: bool, tests: list[ast.AST] = ()
    ) -> Needs:
        """Needs before a statement's own part (a compound statement's header), given `after`
        (needs after the whole statement) and `inner` (needs after its header: before its body)."""
        need = max([inner.get(n, 0) for n in facts.binds] + [after.get(n, 0) for n in facts.affected] + [0])
        out = dict(inner)
        bound_here = isinstance(node, ast.With | ast.AsyncWith | ast.For | ast.AsyncFor)
        for name in kills(node) | (facts.binds if bound_here else set()):
            out.pop(name, None)
        for rng in facts.seeds:
            out.pop(rng, None)
        for rng in facts.draws:
            if inner.get(rng) == V:
                out[rng] = V  # a draw reads the generator's state, and writes it
        base = need or S  # a statement that runs must at least find its names
        test_ids = {id(t) for t in tests}
        for expr in header_exprs(node):
            merge(out, self.uses(expr, V if id(expr) in test_ids else base, sink))
        if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            merge(out, {node.target.id: base})
        if isinstance(node, ast.Import):
            for alias in node.names:  # `import a.b` binds a, but provides a.b
                if "." in alias.name and not alias.asname:
                    for key in [k for k in out if k == alias.name or k.startswith(alias.name + ".")]:
                        out.pop(key)
        merge(out, dict.fromkeys(facts.carried, base))
        return {k: v for k, v in out.items() if k not in self.unseeded}

    def loop(self, node: ast.For | ast.AsyncFor | ast.While, needs: Needs, sink: bool, facts: Facts) -> Needs:
        targets = set(target_names(node.target)) if isinstance(node, ast.For | ast.AsyncFor) else set()
        exit_needs = self.live(node.orelse, dict(needs), sink)
        head = dict(exit_needs)
        for _ in range(10):  # to a fixed point: what one iteration needs, the one before must give
            start = self.live(node.body, dict(head), sink)
            if isinstance(node, ast.While):
                merge(start, self.uses(node.test, V, sink))
            new = merge(dict(exit_needs), {k: v for k, v in start.items() if k not in targets})
            if new == head:
                break
            head = new
        if isinstance(node, ast.While):
            return merge(head, dict.fromkeys(facts.carried, V))
        start = self.live(node.body, dict(head), sink)
        inner = merge(dict(head), {t: start[t] for t in targets if t in start})
        out = self.header(node, facts, needs, inner, sink)
        return merge(out, {t: exit_needs[t] for t in targets if t in exit_needs})  # the loop may not run

    def uses(self, node: ast.AST, need: int, sink: bool) -> Needs:
        """The names an expression reads, each with what it is needed for: `need` (what its
        statement's results are needed for), S under a shape, V in output and conditions."""
        out: Needs = {}
        self._uses(node, need, sink, set(), out)
        return out

    def _uses(self, node: ast.AST, need: int, sink: bool, local: set[str], out: Needs) -> None:
        if need == V and (drawn := self.page.draws_at.get(id(node))):
            merge(out, dict.fromkeys(drawn, V))
        if isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Load) and node.id not in local:
                merge(out, {node.id: need})
                if node.id in self.page.defs:
                    merge(out, dict.fromkeys(self.page.reads(node.id), need))
            return
        if isinstance(node, ast.Attribute):
            parts = dotted(node)
            if parts and parts[0] not in local:
                merge(out, {".".join(parts): need})
            self._uses(node.value, S if node.attr in R.SHAPE_ATTRIBUTES else need, sink, local, out)
            return
        if isinstance(node, ast.Call):
            func = node.func
            name = ".".join(dotted(func) or [])
            if name in R.PRINTS:
                inner = V if sink else need
            elif name in R.SHAPE_BUILTINS or (isinstance(func, ast.Attribute) and func.attr in R.SHAPE_METHODS):
                inner = S
            else:
                inner = need
            if isinstance(func, ast.Attribute) and func.attr in R.SHAPE_METHODS:
                self._uses(func.value, S, sink, local, out)
            else:
                self._uses(func, need, sink, local, out)
            for arg in [*node.args, *node.keywords]:
                self._uses(arg, inner, sink, local, out)
            return
        if isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp):
            inner_local = set(local)
            for i, gen in enumerate(node.generators):
                self._uses(gen.iter, need, sink, local if i == 0 else inner_local, out)
                inner_local |= set(target_names(gen.target))
                for test in gen.ifs:
                    self._uses(test, V, sink, inner_local, out)
            for part in [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]:
                self._uses(part, need, sink, inner_local, out)
            return
        if isinstance(node, ast.Lambda):
            self._uses(node.body, V, sink, local | set(function_params(node)), out)
            for default in [*node.args.defaults, *node.args.kw_defaults]:
                if default is not None:
                    self._uses(default, need, sink, local, out)
            return
        if isinstance(node, ast.IfExp):
            self._uses(node.test, V, sink, local, out)
            self._uses(node.body, need, sink, local, out)
            self._uses(node.orelse, need, sink, local, out)
            return
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            return  # a nested definition: its names are read when it runs
        for child in ast.iter_child_nodes(node):
            self._uses(child, need, sink, local, out)


def kills(node: ast.stmt) -> set[str]:
    """Names a statement surely rebinds without reading them first: needs of them stop here."""
    if isinstance(node, ast.Assign):
        return {n for t in node.targets for n in target_names(t)}
    if isinstance(node, ast.AnnAssign) and node.value is not None:
        return set(target_names(node.target))
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return {node.name}
    if isinstance(node, ast.Import | ast.ImportFrom):
        return {
            name
            for alias, name in zip(node.names, import_bindings(node), strict=True)
            if not (isinstance(node, ast.Import) and "." in alias.name and not alias.asname)
        }
    return set()


# ------------------------------------------------------------------ scripts


@dataclass
class Script:
    """One block as a script: its code, and the earlier statements it carries, as (block, line)."""

    code: str
    carried: list[tuple[int, int]]  # (block index, first line) of each earlier statement it includes

    @property
    def standalone(self) -> bool:
        """Whether the block needs nothing from the blocks above it."""
        return not self.carried


def page_scripts(codes: list[str]) -> list[Script]:
    """A script for each block of a page (`codes`: each block's code, in page order)."""
    page = Page(codes)
    scripts = []
    for i, code in enumerate(codes):
        chosen, needs = block_slice(page, i, Slicer(page))
        # A generator that no statement before the block seeds starts in a random state: the
        # page's output cannot rest on its draws, so the draws need not be replayed.
        unseeded = [rng for rng in RNGS if rng in needs and not any(rng in page.seeding[id(n)] for _, n, _ in chosen)]
        if unseeded:
            chosen, _ = block_slice(page, i, Slicer(page, unseeded))
        scripts.append(Script(assemble(codes, chosen, code), [(b, first_line(n)) for b, n, _ in chosen]))
    return scripts


def block_slice(page: Page, i: int, slicer: Slicer) -> tuple[list[tuple[int, ast.stmt, set[str]]], Needs]:
    """The earlier statements block `i` needs, in page order, each with what of it is wanted;
    and what is still needed before the page's first statement."""
    needs = slicer.live(page.trees[i].body, {}, sink=True)
    chosen = []
    for b, node in reversed([(b, node) for b, node in page.top if b < i]):
        if wanted := wanted_by(node, page.touched[id(node)], needs):
            chosen.append((b, node, wanted))
            needs = slicer.stmt(node, needs, sink=False)
    return chosen[::-1], needs


def wanted_by(node: ast.stmt, touched: set[str], needs: Needs) -> set[str]:
    """What of a statement the needs ask for (for an import, the names to keep); empty: none."""
    if isinstance(node, ast.Import):
        keep = set()
        for alias in node.names:
            if "." in alias.name and not alias.asname:  # `import a.b`: for `a.b.<...>`, or `a` alone
                first = alias.name.split(".")[0]
                plain = first in needs and not any(k.startswith(first + ".") for k in needs)
                if plain or any(k == alias.name or k.startswith(alias.name + ".") for k in needs):
                    keep.add(alias.name)
            elif (alias.asname or alias.name) in needs:
                keep.add(alias.name)
        return keep
    if isinstance(node, ast.ImportFrom):
        return {alias.name for alias in node.names if (alias.asname or alias.name) in needs}
    return {n for n in touched if n in needs}


def first_line(node: ast.stmt) -> int:
    decorators = getattr(node, "decorator_list", [])
    return min([node.lineno, *(d.lineno for d in decorators)])


def start_line(lines: list[str], node: ast.stmt) -> int:
    """The first line of a statement (0-based), with the comment lines right above it."""
    start = first_line(node) - 1
    while start > 0 and lines[start - 1].startswith("#"):
        start -= 1
    return start


def statement_source(code: str, node: ast.stmt, keep: set[str]) -> str:
    """A statement's text; an import keeps only the names in `keep`."""
    lines = code.splitlines()
    if isinstance(node, ast.Import | ast.ImportFrom) and len(keep) < len(node.names):
        names = [a for a in node.names if a.name in keep]
        if isinstance(node, ast.ImportFrom):
            return ast.unparse(ast.ImportFrom(module=node.module, names=names, level=node.level))
        return ast.unparse(ast.Import(names=names))
    return "\n".join(lines[start_line(lines, node) : node.end_lineno])


def assemble(codes: list[str], chosen: list[tuple[int, ast.stmt, set[str]]], block: str) -> str:
    """The script: the chosen statements in page order, then the block. Statements of one block
    keep the blank lines that separated them; blocks are a blank line apart, and a def or class
    two, as PEP 8 has it."""
    out, previous = "", None
    for b, node, keep in chosen:
        if previous is not None:
            out += "\n" * (1 + gap(codes, previous, (b, node)))
        out += statement_source(codes[b], node, keep)
        previous = (b, node)
    if previous is None:
        return block.rstrip("\n") + "\n"
    first = ast.parse(block).body
    is_def = isinstance(previous[1], DEFS) or (bool(first) and isinstance(first[0], DEFS))
    return out + ("\n\n\n" if is_def else "\n\n") + block.rstrip("\n") + "\n"


def gap(codes: list[str], before: tuple[int, ast.stmt], after: tuple[int, ast.stmt]) -> int:
    """Blank lines between two statements of a script."""
    if isinstance(before[1], DEFS) or isinstance(after[1], DEFS):
        return 2
    if before[0] != after[0]:
        return 1
    lines = codes[after[0]].splitlines()
    between = lines[before[1].end_lineno : start_line(lines, after[1])]
    return min(1, sum(not line.strip() for line in between))
