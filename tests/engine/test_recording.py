"""Tests of ``autograd_lite/recording.py``: ``no_grad`` (a block or a decorator, local to a
thread and to an asyncio task), ``gc_paused`` (the cyclic collector paused in a block) and
``GraphCutWarning`` (float() of a Value where a derivative is taken)."""

import asyncio
import math
import threading
import warnings

import pytest

import autograd_lite as ag
from autograd_lite import Value, no_grad


def test_no_grad_records_nothing_and_restores():
    x = Value(2.0)
    with no_grad():
        y = x * x + 1
        assert not ag.is_recording()
        with no_grad():
            pass
        assert not ag.is_recording()
    assert ag.is_recording()
    assert y.is_leaf and y.op == "" and y.data == 5.0
    assert not (x * x).is_leaf


def test_no_grad_as_decorator_with_and_without_parentheses():
    @no_grad
    def f(v):
        return v * v

    @no_grad()
    def g(v):
        return v * v

    x = Value(3.0)
    assert f(x).is_leaf and g(x).is_leaf and f.__name__ == "f"
    assert ag.is_recording()


def test_no_grad_restores_after_an_exception():
    with pytest.raises(RuntimeError), no_grad():
        raise RuntimeError
    assert ag.is_recording()


def test_no_grad_is_local_to_a_thread():
    inside = threading.Event()
    done = threading.Event()
    seen = {}

    def other_thread():
        inside.wait()
        seen["recording"] = ag.is_recording()
        seen["leaf"] = (Value(1.0) * 2).is_leaf
        done.set()

    t = threading.Thread(target=other_thread)
    t.start()
    with no_grad():
        inside.set()
        done.wait()
    t.join()
    assert seen == {"recording": True, "leaf": False}


def test_no_grad_is_local_to_an_async_task():
    async def quiet(started, release):
        with no_grad():
            started.set()
            await release.wait()
            return ag.is_recording()

    async def loud(started, release):
        await started.wait()
        recording = ag.is_recording()
        release.set()
        return recording

    async def main():
        started, release = asyncio.Event(), asyncio.Event()
        return await asyncio.gather(quiet(started, release), loud(started, release))

    assert asyncio.run(main()) == [False, True]


def test_gc_paused_nests_and_restores_the_collector():
    import gc

    assert gc.isenabled()
    with ag.gc_paused():
        assert not gc.isenabled()
        with ag.gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer block still holds it
    assert gc.isenabled()
    with pytest.raises(RuntimeError), ag.gc_paused():
        raise RuntimeError
    assert gc.isenabled()


def test_an_exit_without_its_enter_does_not_unbalance_later_blocks():
    import gc

    block = ag.gc_paused()
    block.__exit__(None, None, None)  # never entered: nothing to undo
    with block:
        with ag.gc_paused():
            pass
        assert not gc.isenabled()  # still paused: the stray exit counted for nothing
    block.__exit__(None, None, None)  # its one block is over: again nothing
    with ag.gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_gc_paused_leaves_a_disabled_collector_disabled():
    import gc

    gc.disable()
    try:
        with ag.gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_gc_paused_as_a_decorator():
    import gc

    @ag.gc_paused
    def inside():
        return gc.isenabled()

    @ag.gc_paused()
    def inside_too():
        return gc.isenabled()

    assert inside() is False and inside_too() is False and gc.isenabled()


def test_one_no_grad_object_entered_in_two_threads_at_once():
    shared = no_grad()
    entered, release = threading.Barrier(2), threading.Event()
    seen = []

    def work():
        with shared:
            entered.wait()
            release.wait()
            seen.append(ag.is_recording())
        seen.append(ag.is_recording())

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    release.set()
    for t in threads:
        t.join()
    assert sorted(seen) == [False, False, True, True]


def test_no_grad_leaves_nothing_behind_in_the_context():
    """Each no_grad() made a ContextVar of its own and set it: the context kept every one
    (100,000 blocks, 100,000 variables; each block slower than the last)."""
    import contextvars

    @no_grad
    def evaluate():
        return ag.is_recording()

    @no_grad
    def items():
        yield from range(100)

    before = len(contextvars.copy_context())
    for _ in range(1000):
        with no_grad():
            pass
        assert evaluate() is False
    assert list(items()) == list(range(100))
    assert len(contextvars.copy_context()) - before <= 1  # (the one shared variable)


def test_no_grad_decorates_coroutines_and_generators():
    @no_grad
    async def in_a_task(v):
        await asyncio.sleep(0)
        return (v * 2).is_leaf

    @no_grad
    def steps(v):
        sent = yield (v * 2).is_leaf
        yield sent, (v * 3).is_leaf
        return "done"

    x = Value(1.0)
    assert asyncio.run(in_a_task(x)) is True
    walk = steps(x)
    assert next(walk) is True
    assert ag.is_recording()  # the block never leaks out between two yields
    assert walk.send("hello") == ("hello", True)
    with pytest.raises(StopIteration) as finished:
        next(walk)
    assert finished.value.value == "done" and ag.is_recording()


def test_a_decorated_generator_gets_what_is_thrown_into_it_and_its_close_inside_the_block():
    seen = []

    @no_grad
    def steps():
        try:
            while True:
                try:
                    yield ag.is_recording()
                except ValueError:  # torch.no_grad passes a thrown error on, too
                    yield "caught", ag.is_recording()
        finally:
            seen.append(ag.is_recording())

    walk = steps()
    assert next(walk) is False
    assert walk.throw(ValueError("from outside")) == ("caught", False)
    assert ag.is_recording()
    walk.close()
    assert seen == [False] and ag.is_recording()


def test_no_grad_decorates_async_generators():
    @no_grad
    async def steps(v):
        sent = yield (v * 2).is_leaf
        yield sent, (v * 3).is_leaf

    async def main():
        walk = steps(Value(1.0))
        first = await walk.__anext__()
        outside = ag.is_recording()
        second = await walk.asend("hello")
        await walk.aclose()
        return first, outside, second

    assert asyncio.run(main()) == (True, True, ("hello", True))


def test_ctrl_c_as_gc_paused_switches_the_collector_off_leaves_it_on(
    monkeypatch, ctrl_c_after_gc_disable
):
    import gc

    from autograd_lite import recording

    ctrl_c_after_gc_disable(recording)
    with pytest.raises(KeyboardInterrupt), ag.gc_paused():
        pass
    monkeypatch.undo()
    assert gc.isenabled()
    with ag.gc_paused():  # and the next block still pauses: no count was left behind
        assert not gc.isenabled()
    assert gc.isenabled()


# --- float() of a Value where a derivative is taken: GraphCutWarning ----------------------


def test_math_on_a_value_inside_grad_warns_that_the_derivative_is_wrong():
    with pytest.warns(
        ag.GraphCutWarning, match=r"being differentiated.*float\(\) or int\(\) of a Value"
    ):
        assert ag.grad(lambda x: math.sin(x))(2.0) == 0.0  # wrong (cos 2), and now said so
    with pytest.warns(ag.GraphCutWarning, match=r"use the ag functions on Values"):
        ag.hessian(lambda x: x * float(x))(2.0)
    with pytest.warns(ag.GraphCutWarning, match=r"int\(\) of a Value"):
        ag.grad(lambda x: x * int(x))(2.0)


def test_a_derivative_written_with_math_warns_when_it_is_differentiated_again():
    op = ag.define_op(
        "softplus_with_math",
        forward=lambda x: math.log1p(math.exp(x)),
        derivative=lambda x, out: (1 / (1 + math.exp(-x)),),  # right on floats only
    )
    assert ag.grad(op)(0.3) == pytest.approx(1 / (1 + math.exp(-0.3)))  # quiet: floats
    with pytest.warns(ag.GraphCutWarning, match=r"op 'softplus_with_math': its derivative"):
        ag.grad(ag.grad(op))(0.3)
    x = Value(0.3)
    with pytest.warns(ag.GraphCutWarning, match=r"op 'softplus_with_math'"):
        ag.gradients(op(x), [x], create_graph=True)


def test_float_of_a_value_anywhere_else_is_quiet_also_after_a_grad_that_raised():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ZeroDivisionError):
            ag.grad(lambda x: 1 / 0)(1.0)
        assert float(Value(2.5)) == 2.5
        assert math.exp(Value(0.0)) == 1.0


def test_the_library_itself_never_cuts_a_graph_it_differentiates():
    import nn

    with warnings.catch_warnings():
        warnings.simplefilter("error", ag.GraphCutWarning)
        ag.hessian(lambda x, y: x**y)(2.0, 3.0)  # its derivative asks whether y is 0
        ag.hessian(lambda x, y: x**y)(0.0, 0.0)
        ag.grad(lambda z: nn.cross_entropy([z, Value(1.0)], 0))(0.5)  # a shift by max(z)
        ag.grad(lambda z: nn.softmax([z, 2.0])[0])(0.5)
        assert ag.gradcheck(lambda x: nn.losses.logsumexp([x, 1.0]) * x.exp(), 0.3)
        for name, loss in nn.losses.LOSSES.items():  # targets are constants: read, not cut
            if name == "cross_entropy":
                ag.grad(lambda z, loss=loss: loss([z, 0.5], 0))(0.5)
            else:
                ag.grad(lambda z, loss=loss: loss([z], [Value(1.0)]))(0.5)
        model = nn.MLP(1, [2, 1], seed=0)  # predict and evaluate read their results as numbers
        ag.grad(
            lambda w: nn.predict(model, [[0.5]])[0] + nn.evaluate(model, [[0.5]], [1.0])[0] + w
        )(1.0)


def test_float_under_no_grad_inside_grad_is_quiet_there_is_no_graph_to_cut():
    with warnings.catch_warnings():
        warnings.simplefilter("error", ag.GraphCutWarning)

        def f(x):
            with ag.no_grad():
                scale = float(x * 2.0)  # a number on purpose: nothing recorded here
            return x * scale

        assert ag.grad(f)(3.0) == 6.0


@pytest.mark.parametrize(
    "inner",
    [lambda x: ag.gradients(x**3, [x])[0], lambda x: (x**3).backward() or x.grad],
    ids=["gradients", "backward"],
)
def test_gradients_as_floats_inside_grad_warn_and_create_graph_does_not(inner):
    with pytest.warns(
        ag.GraphCutWarning, match=r"the gradients are plain numbers.*create_graph=True"
    ):
        assert ag.grad(inner)(2.0) == 0.0  # wrong (12), and now said so
    with warnings.catch_warnings():
        warnings.simplefilter("error", ag.GraphCutWarning)
        assert ag.grad(lambda x: ag.gradients(x**3, [x], create_graph=True)[0])(2.0) == 12.0


def test_a_nested_taking_derivative_restores_the_outer_one_on_exit():
    from autograd_lite.recording import GraphCutWarning, taking_derivative

    with taking_derivative("outer"):
        with taking_derivative("inner"):
            pass
        with pytest.warns(GraphCutWarning, match="^outer: "):
            float(Value(1.0))


def test_an_error_in_a_derivative_differentiated_again_is_passed_on_as_it_is():
    # recording.taking_derivative wraps the derivative run on Values: it must let the
    # derivative's own error through (swallowed, it became an UnboundLocalError in rules.py)
    class OnlyFloats(Exception):
        pass

    def derivative(x, out):
        if isinstance(x, Value):
            raise OnlyFloats("this derivative takes floats only")
        return (1.0,)

    op = ag.define_op("floats_only_derivative", lambda x: x, derivative)
    x = Value(0.5)
    assert ag.gradients(op(x), [x]) == [1.0]
    with pytest.raises(OnlyFloats, match="floats only"):
        ag.gradients(op(x), [x], create_graph=True)


def test_an_overflow_in_a_derivative_on_numbers_names_the_op_and_the_ieee_way():
    # recording.on_numbers: math.cosh(1000) raises OverflowError where IEEE gives inf
    ratio = ag.define_op("cosh_ratio", lambda x: x, lambda x, out: (math.cosh(x) / math.cosh(x),))
    with pytest.raises(
        OverflowError, match=r"^op 'cosh_ratio': its derivative raised OverflowError .*ag\.exp"
    ) as raised:
        ratio(Value(1000.0))
    assert "if Python refused" not in str(raised.value)  # (that "if" is for a ValueError)


def test_a_grad_after_a_user_op_inside_grad_still_gives_values():
    # making the node of a user op runs its derivative on numbers (recording.on_numbers), as
    # at the top level; leaving it, the grad around must be seen again: a grad called later
    # in f must give a Value for the outer grad to differentiate, or its term is lost
    softplus = ag.define_op(
        "softplus_of_test_recording",
        lambda x: math.log1p(math.exp(x)),
        lambda x, out: (ag.sigmoid(x),),
    )

    def f(x):
        return softplus(x) + ag.grad(lambda y: y * y)(x)  # softplus(x) + 2x

    with warnings.catch_warnings():
        warnings.simplefilter("error", ag.GraphCutWarning)
        assert ag.grad(f)(0.7) == pytest.approx(1 / (1 + math.exp(-0.7)) + 2.0, rel=1e-15)
