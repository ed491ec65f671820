"""The garbage collector is paused while a derivative is built, and the user's setting kept."""

import gc

import s2sad
from s2sad.driver.pipeline import paused_gc


def test_paused_gc_restores_enabled():
    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
        with paused_gc():  # a recursive callee built inside
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_paused_gc_keeps_a_users_disable():
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()

        def f(x):
            return x**3

        assert s2sad.grad(f)(2.0) == 12.0
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_paused_gc_reenables_after_an_error():
    def f(x):
        return undefined_name * x  # noqa: F821

    try:
        s2sad.grad(f)(2.0)
    except Exception:
        pass
    assert gc.isenabled()
