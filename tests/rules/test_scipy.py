"""SciPy as an optional namespace: how user code reaches its functions, and what generated code
calls them.

Whatever the import style, generated code says ``scipy.special.expit(x)`` and
``scipy.stats.norm.logpdf(...)``, through a ``scipy`` of its own; ``import s2sad``
does not import SciPy, and s2sad works where SciPy is not installed.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pytest
import scipy
import scipy.integrate
import scipy.linalg
import scipy.special
import scipy.stats
from checks import check_forward, check_reverse
from conftest import ROOT, make_function

import s2sad
from s2sad import MissingRuleError


def _run(code: str, tmp_path) -> subprocess.CompletedProcess:
    """``code`` run by another Python, from a file (so s2sad can read its functions)."""
    script = tmp_path / "script.py"
    script.write_text(textwrap.dedent(code))
    command = [sys.executable, str(script)]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_importing_s2sad_does_not_import_scipy(tmp_path):
    done = _run(
        """
        import sys
        import s2sad
        import numpy as np


        def f(x):
            return np.sum(np.sin(x))

        s2sad.grad(f)(np.ones(3))
        assert not [m for m in sys.modules if m.split('.')[0] == 'scipy'], 'scipy imported'
        """,
        tmp_path,
    )
    assert done.returncode == 0, done.stderr


def test_s2sad_works_where_scipy_is_absent(tmp_path):
    done = _run(
        """
        import sys
        sys.modules['scipy'] = None  # `import scipy` raises ImportError, as where it is not installed
        import numpy as np
        import s2sad

        def f(x):
            return np.sum(np.tanh(x) * np.linalg.norm(x))

        x = np.array([0.3, -0.2, 0.5])
        g = s2sad.grad(f)(x)
        h = 1e-6
        fd = [(f(x + h * e) - f(x - h * e)) / (2 * h) for e in np.eye(3)]
        assert np.allclose(g, fd, atol=1e-6), (g, fd)
        print(s2sad.source(f, args=(x,)))
        """,
        tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "np.tanh" in done.stdout


STYLES = {
    "from": ("from scipy.special import expit", "expit(x)"),
    "module alias": ("import scipy.special as sc", "sc.expit(x)"),
    "package": ("import scipy.special", "scipy.special.expit(x)"),
    "from package": ("from scipy import special", "special.expit(x)"),
}


@pytest.mark.parametrize("style", list(STYLES))
def test_generated_code_names_scipy_canonically(style):
    imports, call = STYLES[style]
    namespace: dict = {}
    exec(imports, namespace)
    f = make_function(f"def f(x):\n    return np.sum({call} * x)\n", **namespace)
    x = np.array([0.3, -1.2])
    for mode in ("reverse", "forward"):
        text = s2sad.source(f, args=(x,), mode=mode)
        assert "scipy.special.expit(x)" in text, text
    check_reverse(f, [x], [0])
    check_forward(f, [x], [0])


DISTRIBUTIONS = {
    "from": ("from scipy.stats import norm", "norm.logpdf(x, mu, sigma)"),
    "keywords": ("from scipy.stats import norm", "norm.logpdf(x, loc=mu, scale=sigma)"),
    "module": ("from scipy import stats", "stats.norm.logpdf(x, mu, sigma)"),
    "package": ("import scipy.stats", "scipy.stats.norm.logpdf(x, mu, scale=sigma)"),
}


@pytest.mark.parametrize("style", list(DISTRIBUTIONS))
def test_distribution_methods_are_functions(style):
    imports, call = DISTRIBUTIONS[style]
    namespace: dict = {}
    exec(imports, namespace)
    f = make_function(f"def f(x, mu, sigma):\n    return np.sum({call})\n", **namespace)
    args = [np.array([0.3, -1.2, 0.4]), 0.2, 1.3]
    text = s2sad.source(f, args=args, wrt=(0, 1, 2))
    code = "\n".join(line for line in text.splitlines() if not line.strip().startswith("#"))
    assert "norm.logpdf" not in code.replace("scipy.stats.norm.logpdf", ""), text
    assert "scipy.stats.norm.logpdf(" in s2sad.source(f, args=args, mode="forward", wrt=2)
    check_reverse(f, args, [0, 1, 2])
    check_forward(f, args, [0, 1, 2])
    h = s2sad.hessian(f, wrt=2)(*args)
    fd = (s2sad.grad(f, wrt=2)(*args[:2], 1.3 + 1e-5) - s2sad.grad(f, wrt=2)(*args[:2], 1.3 - 1e-5)) / 2e-5
    assert abs(h - fd) < 1e-5 * max(1.0, abs(fd))


def test_a_user_name_scipy_takes_a_fallback():
    f = make_function(
        "def f(x):\n    scipy = 2.0\n    return np.sum(expit(x) * scipy)\n",
        expit=scipy.special.expit,
    )
    x = np.array([0.3, -1.2])
    text = s2sad.source(f, args=(x,))
    assert "scipy_.special.expit(x)" in text, text
    check_reverse(f, [x], [0])


def test_templates_readable():
    """The derivative of gammaln is digamma, by its own name (SciPy also calls it psi)."""
    f = make_function("def f(x):\n    return np.sum(gammaln(x))\n", gammaln=scipy.special.gammaln)
    text = s2sad.source(f, args=(np.array([1.5, 2.0]),))
    assert "scipy.special.digamma(x)" in text, text


def test_logsumexp_return_sign_is_a_clear_error():
    f = make_function(
        "def f(x):\n    value, sign = logsumexp(x, return_sign=True)\n    return value * sign\n",
        logsumexp=scipy.special.logsumexp,
    )
    with pytest.raises(MissingRuleError, match="return_sign"):
        s2sad.grad(f)(np.array([0.3, -1.2]))


def test_frozen_distributions_are_a_clear_error():
    f = make_function("def f(x):\n    return np.sum(norm(0.0, 1.0).logpdf(x))\n", norm=scipy.stats.norm)
    with pytest.raises(MissingRuleError, match="logpdf"):
        s2sad.grad(f)(np.array([0.3, -1.2]))


def test_a_scipy_function_without_a_rule_is_a_clear_error():
    f = make_function("def f(x):\n    return np.sum(erfcx(x))\n", erfcx=scipy.special.erfcx)
    with pytest.raises(MissingRuleError, match="scipy.special.erfcx"):
        s2sad.grad(f)(np.array([0.3, -1.2]))


def test_parts_reading_a_tuple_adjoint_are_computed_once():
    """The adjoint of ``cho_factor``'s ``(c, lower)`` is a display read item by item only late in
    simplification (``v_bar[0]`` becomes ``c_bar``): what the Cholesky rule repeats is then
    shared, one solve each, not six."""
    f = make_function(
        "def f(K):\n    c, lower = cho_factor(K, lower=True)\n    return np.sum(np.log(np.diag(c)))\n",
        cho_factor=scipy.linalg.cho_factor,
    )
    K = np.array([[2.0, 0.3, 0.1], [0.3, 1.0, 0.2], [0.1, 0.2, 1.5]])
    text = s2sad.source(f, args=(K,))
    assert text.count("np.linalg.solve(") == 2, text
    check_reverse(f, [K], [0])
    check_forward(f, [K], [0])


def test_the_printed_module_imports_what_it_calls(in_root, capsys):
    """``s2sad FILE:FUNC`` prints a module that runs by itself: it says ``import scipy.linalg``."""
    import gaussian_process as gp

    from s2sad.tools.cli import main

    path = "examples/gaussian_process.py:neg_log_marginal_likelihood"
    assert main([path, "--args", "np.zeros(3)", "X", "y"]) == 0
    text = capsys.readouterr().out
    assert "import scipy.linalg\n" in text, text
    namespace: dict = {}
    exec(compile(text, "<printed>", "exec"), namespace)
    params = np.array([0.2, -0.1, -1.5])
    got = namespace["neg_log_marginal_likelihood_grad"](params, gp.X, gp.y)
    assert np.allclose(got, s2sad.grad(gp.neg_log_marginal_likelihood)(params, gp.X, gp.y), rtol=1e-12)


def test_the_rules_page_lists_every_scipy_rule():
    from s2sad.rules import RULES, load_tables

    for module in ("scipy.special", "scipy.linalg", "scipy.stats", "scipy.signal", "scipy.integrate"):
        load_tables(module)
    text = (ROOT / "docs" / "rules.md").read_text()
    missing = []
    for rule in {id(r): r for r in RULES.values()}.values():
        if not rule.table.startswith("scipy."):
            continue
        parts = rule.pattern.split("(")[0].split(".")  # scipy.stats.norm.logpdf
        names = parts[2:] if rule.table == "scipy.stats" else parts[-1:]
        if not all(f"`{name}`" in text for name in names):
            missing.append(rule.pattern)
    assert not missing, f"docs/rules.md does not list {missing}"


def test_random_draws_of_a_distribution_stay_two_draws():
    """``norm.rvs`` is a method too, and a random draw: two calls are two draws, never one."""
    f = make_function(
        "def f(x):\n"
        "    a = norm.rvs(size=3, random_state=rng)\n"
        "    b = norm.rvs(size=3, random_state=rng)\n"
        "    return np.sum(x * a) + np.sum(x * b)\n",
        norm=scipy.stats.norm,
        rng=np.random.default_rng(0),
    )
    text = s2sad.source(f, args=(np.ones(3),), mode="forward")
    assert text.count("scipy.stats.norm.rvs(") == 2, text


def test_sqrtm_without_a_real_square_root_is_a_clear_error():
    """A real matrix with a negative eigenvalue has a complex square root: refused, by name."""
    f = make_function("def f(x):\n    return np.sum(np.real(sqrtm(x)))\n", sqrtm=scipy.linalg.sqrtm)
    x = np.diag([-1.0, 2.0, 3.0])
    with pytest.raises(MissingRuleError, match="sqrtm of a matrix with no real square root"):
        s2sad.grad(f)(x)
    with pytest.raises(MissingRuleError, match="sqrtm of a matrix with no real square root"):
        s2sad.jvp(f, (x,), (np.eye(3),))


def test_odeint_second_derivatives_are_a_clear_error():
    """odeint is differentiated once (its helpers solve ODEs with s2sad's derivatives of
    func); a Hessian says that it is not supported, at the user's line."""
    from rules.cases_integrate import decay

    f = make_function(
        "def f(y0, k):\n"
        "    ys = odeint(decay, y0, np.linspace(0.0, 1.0, 3), args=(k,), rtol=1e-10, atol=1e-10)\n"
        "    return np.sum(ys[-1] ** 2)\n",
        odeint=scipy.integrate.odeint,
        decay=decay,
    )
    y0 = np.array([0.3, -0.2])
    check_reverse(f, [y0, 0.8], [0, 1], 1e-5)
    check_forward(f, [y0, 0.8], [0, 1], 1e-5)
    with pytest.raises(MissingRuleError, match="scipy.integrate.odeint at second order"):
        s2sad.hessian(f)(y0, 0.8)
