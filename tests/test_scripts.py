"""The script slicer (tools/scripts.py) on small synthetic pages: what each block's script keeps.

Each trap has a page whose blocks run in order as one program. The test checks the script the
slicer makes (the statements it keeps, and those it leaves out), then runs the page and the
script, in this process, and checks that the script prints what the block printed on the page.
`must_keep` names a statement the output depends on: the script without it prints something
else, so the check can fail.
"""

from __future__ import annotations

import contextlib
import io
import textwrap

import pytest

from tools.scripts import page_scripts


def page(*blocks: str) -> list[str]:
    return [textwrap.dedent(b).strip("\n") for b in blocks]


def run(code: str) -> str:
    """What a script prints (and the error it stops on, if any)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        try:
            exec(compile(code, "<script>", "exec"), {"__name__": "__main__"})
        except Exception as error:
            print(f"<{type(error).__name__}>")
    return out.getvalue()


def block_outputs(blocks: list[str]) -> list[str]:
    """What each block prints when the page runs in order, as one program."""
    namespace: dict = {"__name__": "__main__"}
    outputs = []
    for code in blocks:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(code, "<block>", "exec"), namespace)
        outputs.append(out.getvalue())
    return outputs


def statements(script: str) -> list[str]:
    """The script's lines, without blank lines."""
    return [line for line in script.splitlines() if line.strip()]


def check(blocks: list[str], expected: str, must_keep: str | None = None, number: int = -1) -> str:
    """The script of block `number` is `expected`, and prints what the block printed on the page."""
    script = page_scripts(blocks)[number].code
    assert script == textwrap.dedent(expected).lstrip("\n"), script
    shown = block_outputs(blocks)[number]
    assert run(script).endswith(shown)
    if must_keep is not None:
        assert must_keep in script
        without = script.replace(must_keep + "\n", "", 1)
        assert not run(without).endswith(shown), f"the output does not depend on {must_keep!r}"
    return script


# ---------------------------------------------------------------- names


def test_a_block_gets_what_it_reads_transitively_and_nothing_else() -> None:
    blocks = page(
        "import math\nimport json",
        "a = 2\nprint('a is', a)",
        "b = a * math.pi\nprint('b is', b)",
        "c = 'unrelated'\nprint(c)",
        "print(round(b, 3))",
    )
    check(
        blocks,
        """
        import math

        a = 2

        b = a * math.pi

        print(round(b, 3))
        """,
        must_keep="a = 2",
    )


def test_only_the_imported_names_a_block_uses() -> None:
    blocks = page(
        "from math import pi, tau\nimport json\nimport email.utils\nimport email.header",
        "print(tau, email.utils.quote('a'))",
    )
    check(
        blocks,
        """
        from math import tau
        import email.utils

        print(tau, email.utils.quote('a'))
        """,
    )


def test_a_block_that_needs_nothing_is_its_own_script() -> None:
    blocks = page("import math", "x = 1\nprint(x)", "print(sum(range(4)))")
    scripts = page_scripts(blocks)
    assert scripts[2].code == "print(sum(range(4)))\n"
    assert scripts[2].standalone and scripts[1].standalone
    assert not page_scripts([*blocks, "print(x)"])[3].standalone


def test_the_latest_binding_wins() -> None:
    blocks = page("x = 1\nprint(x)", "x = 2", "print(x + 1)")
    check(blocks, "x = 2\n\nprint(x + 1)\n", must_keep="x = 2")


# ---------------------------------------------------------------- functions read globals when called


def test_a_function_reads_the_globals_as_they_are_where_it_is_called() -> None:
    blocks = page(
        "scale = 2",
        """
        def f(x):
            return x * scale
        """,
        "scale = 3\nprint('scale changed')",
        "print(f(1))",
    )
    check(
        blocks,
        """
        def f(x):
            return x * scale


        scale = 3

        print(f(1))
        """,
        must_keep="scale = 3",
    )


def test_a_method_reads_globals_through_the_object_that_runs_it() -> None:
    blocks = page(
        """
        class Counter:
            def value(self):
                return START + 1
        """,
        "counter = Counter()",
        "START = 41",
        "print(counter.value())",
    )
    check(
        blocks,
        """
        class Counter:
            def value(self):
                return START + 1


        counter = Counter()

        START = 41

        print(counter.value())
        """,
        must_keep="START = 41",
    )


# ---------------------------------------------------------------- names bound by for, with, try, comprehensions


def test_names_bound_by_for_with_try_and_walrus() -> None:
    blocks = page(
        "import contextlib",
        "for i in range(3):\n    last = i",
        "with contextlib.nullcontext(5) as v:\n    pass",
        "try:\n    z = int('x')\nexcept ValueError:\n    z = -1",
        "if (n := 7) > 2:\n    pass",
        "print(last, v, z, n)",
    )
    script = check(blocks, "\n\n".join(blocks[:5]) + "\n\nprint(last, v, z, n)\n")
    assert script.startswith("import contextlib")


def test_a_name_that_every_branch_of_a_try_binds_needs_nothing_from_before() -> None:
    blocks = page(
        "ours = 'old'\nprint(ours)",
        """
        for text in ("1", "x"):
            try:
                ours = int(text)
            except ValueError as error:
                ours = str(error)
            print(ours)
        """,
    )
    check(blocks, blocks[1] + "\n")


def test_a_comprehension_variable_is_not_a_global() -> None:
    blocks = page("k = 10\nprint('k', k)", "squares = [k * k for k in range(3)]", "print(squares)")
    check(blocks, "squares = [k * k for k in range(3)]\n\nprint(squares)\n")


# ---------------------------------------------------------------- changes in place


def test_in_place_changes_of_a_list_and_an_object_are_kept() -> None:
    blocks = page(
        "import types",
        "items = []\nbox = types.SimpleNamespace(size=1)",
        "items.append(3)\nprint(len(items))",
        "box.size = 9",
        "total = sum(items)\nprint(total)",  # reads items: the append above changed it
        "print(items, box.size)",
    )
    check(
        blocks,
        """
        import types

        items = []
        box = types.SimpleNamespace(size=1)

        items.append(3)

        box.size = 9

        print(items, box.size)
        """,
        must_keep="box.size = 9",
    )


def test_torch_in_place_ops_views_and_item_assignment() -> None:
    blocks = page(
        "import torch",
        "x = torch.zeros(3)\nv = x.view(3)",
        "x.add_(1)",
        "v[0] = 7",
        "y = x * 2\nprint(y.sum())",  # a new tensor: nothing changes x
        "print(x)",
    )
    check(
        blocks,
        """
        import torch

        x = torch.zeros(3)
        v = x.view(3)

        x.add_(1)

        v[0] = 7

        print(x)
        """,
        must_keep="v[0] = 7",
    )


def test_a_page_function_that_changes_its_argument() -> None:
    blocks = page(
        "import torch",
        "def fill(t, value):\n    t.fill_(value)",
        "def total(t):\n    return t.sum()",
        "w = torch.zeros(2)",
        "fill(w, 4.0)",
        "print(total(w))",  # total() changes nothing
        "print(w)",
    )
    check(
        blocks,
        """
        import torch


        def fill(t, value):
            t.fill_(value)


        w = torch.zeros(2)

        fill(w, 4.0)

        print(w)
        """,
        must_keep="fill(w, 4.0)",
    )


def test_eval_no_grad_copy_and_running_statistics() -> None:
    blocks = page(
        "import torch\nfrom torch import nn",
        "norm = nn.BatchNorm1d(1)",
        "norm(torch.tensor([[1.0], [3.0]]))",  # training mode: updates the running mean
        "with torch.no_grad():\n    norm.weight.copy_(torch.tensor([2.0]))",
        "norm.eval()",
        "print(norm.training, norm(torch.tensor([[2.0]])))",
    )
    check(blocks, "\n\n".join(blocks) + "\n", must_keep="norm.eval()")
    check(blocks, "\n\n".join(blocks) + "\n", must_keep="norm(torch.tensor([[1.0], [3.0]]))")


def test_an_optimizer_step_changes_the_model_it_holds() -> None:
    blocks = page(
        "import torch\nfrom torch import nn",
        """
        model = nn.Linear(1, 1, bias=False)
        with torch.no_grad():
            model.weight.fill_(1.0)
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        x = torch.ones(4, 1)
        """,
        """
        for _ in range(3):  # training
            opt.zero_grad()
            model(x).sum().backward()
            opt.step()
        """,
        "print(x.mean())",
        "print(round(model.weight.item(), 4))",
    )
    script = check(blocks, "\n\n".join([blocks[0], blocks[1], blocks[2], blocks[4]]) + "\n", must_keep="opt.step()")
    assert "x.mean()" not in script


def test_backward_changes_the_gradients_of_what_the_loss_comes_from() -> None:
    blocks = page(
        "import torch",
        "w = torch.ones(2, requires_grad=True)",
        "loss = (w * 3).sum()",
        "loss.backward()",
        "print(w.grad)",
    )
    check(blocks, "\n\n".join(blocks) + "\n", must_keep="loss.backward()")


# ---------------------------------------------------------------- the global random generator


def test_every_draw_since_the_seed_is_kept_when_a_drawn_value_is_printed() -> None:
    blocks = page(
        "import torch\nfrom torch import nn",
        """
        torch.manual_seed(0)
        a = torch.randn(2)
        layer = nn.Linear(2, 2)  # draws its initial weights
        print('a', a)
        b = torch.randn(2)
        """,
        "print(b)",
    )
    script = check(
        blocks,
        """
        import torch
        from torch import nn

        torch.manual_seed(0)
        a = torch.randn(2)
        layer = nn.Linear(2, 2)  # draws its initial weights
        b = torch.randn(2)

        print(b)
        """,
        must_keep="layer = nn.Linear(2, 2)  # draws its initial weights",
    )
    assert "print('a'" not in script


def test_a_value_seen_only_through_its_shape_needs_no_earlier_draws() -> None:
    blocks = page(
        "import torch\nfrom torch import nn",
        "torch.manual_seed(0)\nw = torch.randn(3)\nprint(w)",
        "x = torch.randn(1, 1, 8, 8)\nlayer = nn.Conv2d(1, 2, 3)\nprint(tuple(layer(x).shape), x.dtype, len(x))",
    )
    script = check(blocks, "import torch\nfrom torch import nn\n\n" + blocks[2] + "\n")
    assert "manual_seed" not in script


def test_draws_before_any_seed_are_noise_and_are_not_replayed() -> None:
    blocks = page("import torch", "a = torch.randn(2)\nprint(a.shape)", "b = torch.rand(3)\nprint(b.sum() >= 0)")
    assert "a = torch.randn" not in page_scripts(blocks)[2].code


def test_a_seed_inside_a_function_and_a_random_transform() -> None:
    pytest.importorskip("torchvision")
    blocks = page(
        "import torch\nfrom torchvision.transforms import v2",
        """
        flip = v2.RandomHorizontalFlip(p=0.5)
        image = torch.arange(4.0).view(1, 1, 4)
        """,
        """
        def seeded(seed):
            torch.manual_seed(seed)
            return flip(image)
        """,
        "torch.manual_seed(1)\nfirst = flip(image)",  # one draw
        "second = seeded(0)\nprint(second)",  # seeds again: the draws before it do not matter
        "print(flip(image), first, torch.rand(1))",
    )
    check(
        blocks,
        """
        import torch
        from torchvision.transforms import v2

        flip = v2.RandomHorizontalFlip(p=0.5)
        image = torch.arange(4.0).view(1, 1, 4)


        def seeded(seed):
            torch.manual_seed(seed)
            return flip(image)


        torch.manual_seed(1)
        first = flip(image)

        second = seeded(0)

        print(flip(image), first, torch.rand(1))
        """,
        must_keep="second = seeded(0)",
    )


def test_iterating_a_data_loader_draws_from_the_global_generator() -> None:
    blocks = page(
        "import torch\nfrom torch.utils.data import DataLoader",
        "torch.manual_seed(0)\nloader = DataLoader(list(range(6)), batch_size=2, shuffle=True)",
        "first = [b.tolist() for b in loader]\nprint(first)",
        "print(torch.randint(100, (3,)))",
    )
    check(blocks, "\n\n".join([blocks[0], blocks[1], "first = [b.tolist() for b in loader]", blocks[3]]) + "\n",
          must_keep="first = [b.tolist() for b in loader]")  # fmt: skip


# ---------------------------------------------------------------- the script's layout


def test_comments_above_a_statement_come_with_it() -> None:
    blocks = page("# the answer\nanswer = 42\nother = 1", "print(answer)")
    assert page_scripts(blocks)[1].code == "# the answer\nanswer = 42\n\nprint(answer)\n"


def test_a_block_that_does_not_parse_is_an_error() -> None:
    with pytest.raises(SyntaxError):
        page_scripts(["x = (1"])
