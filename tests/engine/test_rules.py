"""Your own operations: define_op makes an op that behaves like a built-in one."""

import inspect
import math

import pytest

import autograd_lite as ag
from autograd_lite import GradcheckError, Value, grad, gradcheck, gradients, hessian, no_grad

# (A name of this file's own: the README and rules.py's docstring define a "softplus" too, and
# a name defined again is replaced, which would change what these tests see.)
softplus = ag.define_op(
    "softplus_of_test_rules",
    forward=lambda x: math.log1p(math.exp(x)) if x < 30 else x,
    derivative=lambda x, out: (ag.sigmoid(x),),
)

# Two inputs; the derivative reuses the output.
hypot = ag.define_op(
    "hypot",
    forward=math.hypot,
    derivative=lambda x, y, out: (x / out, y / out),
)

# Deliberately wrong: d softplus / dx is sigmoid(x), not sigmoid(-x).
softplus_wrong = ag.define_op(
    "softplus_wrong",
    forward=lambda x: math.log1p(math.exp(x)),
    derivative=lambda x, out: (ag.sigmoid(-x),),
)

# Deliberately malformed: two local derivatives for one input.
two_entries = ag.define_op("two_entries", math.sin, lambda x, out: (ag.cos(x), 1.0))
no_tuple = ag.define_op("no_tuple", math.sin, lambda x, out: ag.cos(x))


def sigmoid(x):
    return 1 / (1 + math.exp(-x))


def test_user_op_shows_its_name_as_op_and_computes_value_and_gradient():
    x = Value(0.5)
    y = softplus(x)
    assert y.op == "softplus_of_test_rules"
    assert y.parents == (x,)
    assert y.data == pytest.approx(math.log1p(math.exp(0.5)), rel=1e-15)
    y.backward()
    assert x.grad == pytest.approx(sigmoid(0.5), rel=1e-15)
    assert ag.RULES["softplus_of_test_rules"] is softplus.rule


def test_user_op_on_plain_numbers_gives_a_float():
    assert type(softplus(0.0)) is float
    assert softplus(0.0) == pytest.approx(math.log(2.0))


def test_user_op_under_no_grad_records_nothing():
    x = Value(0.5)
    with no_grad():
        y = softplus(x)
    assert y.is_leaf and y.op == "" and y.parents == ()
    assert y.data == pytest.approx(math.log1p(math.exp(0.5)))


def test_user_op_mixes_values_and_numbers():
    y = Value(4.0)
    out = hypot(3, y)
    assert out.data == 5.0
    assert gradients(out, [y]) == [pytest.approx(0.8)]


def test_user_op_second_and_third_derivative_with_create_graph():
    x = Value(0.3)
    (first,) = gradients(softplus(x), [x], create_graph=True)
    (second,) = gradients(first, [x], create_graph=True)
    (third,) = gradients(second, [x])
    s = sigmoid(0.3)
    assert first.data == pytest.approx(s, rel=1e-14)
    assert second.data == pytest.approx(s * (1 - s), rel=1e-14)
    assert third == pytest.approx(s * (1 - s) * (1 - 2 * s), rel=1e-12)
    assert grad(grad(grad(softplus)))(0.3) == pytest.approx(third, rel=1e-14)


def test_user_op_hessian():
    # hypot(x, y) = r: d²r/dx² = y²/r³, d²r/dxdy = -xy/r³, d²r/dy² = x²/r³
    h = hessian(hypot)(3.0, 4.0)
    r3 = 125.0
    expected = [[16 / r3, -12 / r3], [-12 / r3, 9 / r3]]
    for row, want in zip(h, expected):
        assert row == pytest.approx(want, rel=1e-14)


def test_user_op_matches_torch_to_third_order(torch):
    from torch_oracle import assert_match_torch

    assert_match_torch(
        lambda x, y: softplus(x * y) + hypot(x, y),
        lambda x, y: torch.nn.functional.softplus(x * y) + torch.hypot(x, y),
        (0.7, -1.3),
    )


def test_correct_op_passes_gradcheck():
    assert gradcheck(lambda x, y: softplus(x) * hypot(x, y), 0.4, -2.0) is True


def test_wrong_op_is_caught_by_gradcheck_with_the_failing_input_marked():
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda x, y: softplus_wrong(x) * y, 0.8, 2.0)
    table, blamed = str(info.value).split("\n\n")  # the table, then the op to blame
    rows = {line.split()[0]: line for line in table.splitlines()[3:]}
    assert rows["x"].endswith("<-- wrong")
    assert not rows["y"].endswith("<-- wrong")  # y's gradient is right, and still shown
    assert blamed.splitlines()[1].startswith("  op 'softplus_wrong' at x=0.8: d/dx analytic")


@pytest.mark.parametrize("run", ["backward", "gradients", "create_graph", "grad"])
def test_wrong_number_of_local_derivatives_fails_at_first_backward_naming_the_op(run):
    x = Value(0.5)
    y = two_entries(x) * 2  # building the graph is fine: nothing is checked yet
    with pytest.raises(ValueError, match=r"op 'two_entries'.*2 local derivative.*1 input"):
        if run == "backward":
            y.backward()
        elif run == "gradients":
            gradients(y, [x])
        elif run == "create_graph":
            gradients(y, [x], create_graph=True)
        else:
            grad(two_entries)(0.5)


def test_derivative_that_is_not_a_tuple_is_a_clear_type_error():
    with pytest.raises(TypeError, match=r"op 'no_tuple'.*tuple"):
        no_tuple(Value(0.5)).backward()


def test_forward_returning_a_value_is_a_clear_type_error():
    bad = ag.define_op("forward_on_values", lambda x: ag.Value(x), lambda x, out: (1.0,))
    with pytest.raises(TypeError, match=r"'forward_on_values'.*float"):
        bad(Value(1.0))


def test_builtin_names_are_reserved_and_arguments_checked():
    with pytest.raises(ValueError, match="built-in"):
        ag.define_op("exp", math.exp, lambda x, out: (out,))
    with pytest.raises(TypeError, match="derivative must be callable"):
        ag.define_op("mine", math.exp, None)
    with pytest.raises(ValueError, match="name must not be empty"):  # a str, a bad value
        ag.define_op("", math.exp, lambda x, out: (out,))
    with pytest.raises(TypeError, match="name must be a str"):
        ag.define_op(7, math.exp, lambda x, out: (out,))


@pytest.mark.parametrize("name", ["\n", "soft\tplus", "\x00", "\x1b[31m", "op\ud800", "a\u2028b"])
def test_op_names_that_cannot_be_shown_are_refused(name):
    with pytest.raises(ValueError, match=r"define_op: name must be printable"):
        ag.define_op(name, math.exp, lambda x, out: (out,))
    assert name not in ag.RULES


def test_op_name_of_a_wrong_type_is_a_type_error():
    with pytest.raises(TypeError, match="define_op: name"):
        ag.define_op(b"exp2", math.exp, lambda x, out: (out,))


def test_ops_pickle_and_deepcopy_by_name():
    import copy
    import pickle

    for op in (ag.relu, ag.exp, ag.ops.mul, softplus, ag.ops._leaky_relu_with(0.2)):
        for twin in (copy.deepcopy(op), pickle.loads(pickle.dumps(op))):
            assert twin.rule is op.rule and type(twin) is type(op)
            args = (0.5,) * (2 if op is ag.ops.mul else 1)
            assert twin(*args) == op(*args) and twin(*map(Value, args)).op == op.rule.name


def test_a_derivative_that_cannot_take_the_inputs_and_out_is_refused_at_define_op():
    with pytest.raises(TypeError, match=r"define_op\('short'\): forward takes 2 input\(s\)"):
        ag.define_op("short", lambda x, y: x * y, lambda x, out: (1.0,))
    assert "short" not in ag.RULES
    # *args, defaults and builtins without a signature are taken on trust
    ag.define_op("flexible", lambda *xs: sum(xs), lambda *xs_out: (1.0,) * (len(xs_out) - 1))
    ag.define_op("star_forward", lambda *xs: xs[0] + xs[1], lambda x, y, out: (1.0, 1.0))
    ag.define_op("defaults", lambda x, y: x + y, lambda x, y, out, extra=0: (1.0, 1.0))


def test_an_input_with_a_default_is_one_forward_may_go_without():
    # forward(x, k=2.0) needs one input: derivative(x, out) is right for op(x)
    scaled = ag.define_op("scaled_by_default", lambda x, k=2.0: k * x, lambda x, out: (2.0,))
    y = scaled(Value(1.5))
    y.backward()
    assert (y.data, y.parents[0].grad) == (3.0, 2.0)


def test_a_doc_that_is_not_text_is_refused_at_define_op():
    with pytest.raises(TypeError, match=r"define_op\('documented'\): doc must be a str"):
        ag.define_op("documented", math.exp, lambda x, out: (out,), doc=5)
    assert "documented" not in ag.RULES
    assert ag.define_op("documented", math.exp, lambda x, out: (out,), doc="e ** x").__doc__


def test_backward_through_a_malformed_op_changes_no_grad_before_it_says_why():
    x, b = Value(0.5), Value(3.0)
    y = two_entries(x) * b  # backward would reach b before the malformed node
    with pytest.raises(ValueError, match=r"op 'two_entries'"):
        y.backward()
    assert (x.grad, b.grad, y.grad) == (0.0, 0.0, 0.0)


def test_a_user_ops_local_derivatives_are_kept_as_floats_or_refused():
    # rules.py Rule._local_floats: each local derivative converted by as_real -> kept as given
    from fractions import Fraction

    twice = ag.define_op("twice_with_an_int", lambda x: 2.0 * x, lambda x, out: (2,))
    third = ag.define_op("third_with_a_fraction", lambda x: x / 3, lambda x, out: (Fraction(1, 3),))
    for op, d in ((twice, 2.0), (third, 1 / 3)):
        (local,) = op(Value(1.5)).local_derivatives()
        assert type(local) is float and local == d
    text = ag.define_op("slope_as_text", lambda x: x, lambda x, out: ("1",))
    with pytest.raises(TypeError, match=r"'slope_as_text': a local derivative needs a real"):
        text(Value(1.5))  # refused when the node is made, not later in backward


def test_a_derivative_that_python_refuses_at_a_singular_point_names_the_op_and_the_ieee_way():
    # 0.5 / out at out = 0: Python raises where IEEE gives inf; the error says which op
    # and what to write, and the IEEE functions give what the built-in sqrt gives
    naive = ag.define_op("naive_sqrt", math.sqrt, lambda x, out: (0.5 / out,))
    with pytest.raises(ZeroDivisionError, match=r"op 'naive_sqrt': its derivative .*ag\.ieee_div"):
        naive(Value(0.0))
    log_of = ag.define_op("log_in_derivative", math.exp, lambda x, out: (math.log(x),))
    with pytest.raises(ValueError, match=r"op 'log_in_derivative'.*ag\.ieee_log"):
        log_of(Value(0.0))
    own = ag.define_op("own_check", math.exp, lambda x, out: (float("not a number"),))
    with pytest.raises(
        ValueError, match=r"could not convert .*; if Python refused a singular point there"
    ):
        own(Value(0.0))  # a ValueError may be the derivative's own: the advice is an "if"
    kept = ag.define_op("keeps_its_type", math.exp, lambda x, out: ({}[x],))
    with pytest.raises(KeyError):  # anything else is left as it is
        kept(Value(0.0))
    ieee = ag.define_op("ieee_sqrt", math.sqrt, lambda x, out: (ag.ieee_div(0.5, out),))
    for x in (0.0, 2.0):
        assert ag.grad(ieee)(x) == ag.grad(ag.sqrt)(x)
        assert ag.grad(ag.grad(ieee))(x) == ag.grad(ag.grad(ag.sqrt))(x)


def test_an_error_of_an_op_inside_a_derivative_is_passed_on_as_it_is():
    # a derivative that calls grad of a malformed op: that op's own message, not wrapped in
    # the IEEE advice (it names its op and says what to do already)
    inner = ag.define_op("inner_malformed", math.exp, lambda x, out: (out, out))
    outer = ag.define_op("outer_of_malformed", math.exp, lambda x, out: (ag.grad(inner)(x),))
    with pytest.raises(ValueError, match=r"^op 'inner_malformed': derivative returned 2"):
        outer(Value(0.5))


def test_a_forward_that_raises_names_the_op_and_its_inputs():
    # it was Python's bare "float division by zero", with no word of which op or where
    reciprocal = ag.define_op("reciprocal_of_test", lambda x: 1 / x, lambda x, out: (-out * out,))
    for arg in (Value(0.0), 0.0):
        with pytest.raises(ZeroDivisionError, match=r"^op 'reciprocal_of_test': forward raised "
                           r"ZeroDivisionError \(.*division by zero\) at x=0\.0"):  # fmt: skip
            reciprocal(arg)
    log_of = ag.define_op("log_of_test", math.log, lambda x, out: (1 / x,))
    with pytest.raises(ValueError, match=r"^op 'log_of_test': forward raised ValueError .* at "):
        log_of(
            Value(-1.0),
        )
    two = ag.define_op("two_inputs_of_test", lambda x, y: x * y, lambda x, y, out: (y, x))
    with pytest.raises(TypeError, match=r"^op 'two_inputs_of_test': forward raised TypeError "
                       r"\(.*missing 1 required positional.*\) at x=2\.0"):  # fmt: skip
        two(Value(2.0))
    kept = ag.define_op("keeps_its_key_error", lambda x: {}[x], lambda x, out: (0.0,))
    with pytest.raises(KeyError):  # anything else is left as it is
        kept(Value(1.0))

    class OutOfRange(ValueError):  # an error of one's own, raised on purpose: left as it is
        pass

    def refuse(x):
        raise OutOfRange("x must be below 1")

    own = ag.define_op("raises_its_own_error", refuse, lambda x, out: (0.0,))
    with pytest.raises(OutOfRange, match=r"^x must be below 1$"):
        own(Value(2.0))
    outer = ag.define_op("calls_a_raising_op", lambda x: reciprocal(x), lambda x, out: (0.0,))
    with pytest.raises(ZeroDivisionError, match=r"^op 'reciprocal_of_test'"):  # passed on
        outer(Value(0.0))


def test_an_op_called_with_keywords_says_inputs_go_by_position():
    # it was "Op.__call__() got an unexpected keyword argument 'beta'"
    scaled = ag.define_op("scaled_of_test", lambda x, beta=1.0: beta * x, lambda x, out: (1.0,))
    with pytest.raises(TypeError, match=r"^op 'scaled_of_test' takes its inputs by position, "
                       r"got beta=2\.0: .*scaled_of_test\(x, 2\.0\)"):  # fmt: skip
        scaled(Value(1.0), beta=2.0)


def test_keywords_that_name_the_ops_own_inputs_are_placed_by_position_in_the_advice():
    # atan2(y=1.0, x=2.0) was told to "write atan2(x, 1.0, 2.0)": an input too many
    atan2 = ag.define_op("atan2_by_name", lambda *yx: math.atan2(*yx), lambda y, x, out: (0, 0))
    atan2_of_names = ag.define_op(
        "atan2_of_names", lambda y, x: math.atan2(y, x), lambda y, x, out: (0.0, 0.0)
    )
    with pytest.raises(TypeError, match=r"so write atan2_of_names\(1\.0, 2\.0\)$"):
        atan2_of_names(x=2.0, y=1.0)
    with pytest.raises(TypeError, match=r"so write atan2_of_names\(y, 2\.0\)$"):
        atan2_of_names(Value(1.0), x=2.0)
    with pytest.raises(TypeError, match=r"so write atan2_by_name\(x, 2\.0\) "):  # no names
        atan2(Value(1.0), x=2.0)
    # atan2(x=2.0) was told to "write atan2(2.0)", which makes 2.0 its y
    with pytest.raises(TypeError, match=r"so write atan2_of_names\(y, 2\.0\)$"):
        atan2_of_names(x=2.0)


def test_gradcheck_tables_name_an_ops_inputs_as_its_forward_does():
    # the rows were "input 0", "input 1": the op's call takes *args, whatever forward takes
    atan2_wrong = ag.define_op(
        "atan2_wrong_sign",
        lambda y, x: math.atan2(y, x),
        lambda y, x, out: (x / (x * x + y * y), y / (x * x + y * y)),  # the 2nd wants a minus
    )
    with pytest.raises(GradcheckError, match=r"\nx +2 .*<-- wrong") as info:
        gradcheck(atan2_wrong, 0.3, 2.0)
    assert "\ny " in str(info.value) and "input 0" not in str(info.value)
    assert list(inspect.signature(grad(atan2_wrong)).parameters) == ["y", "x"]
    unnamed = ag.define_op("sum_of_any", lambda *xs: sum(xs), lambda *xs: (0.0,) * (len(xs) - 1))
    with pytest.raises(GradcheckError, match=r"\ninput 0 "):  # *xs names none
        gradcheck(unnamed, 0.3, 2.0)


def test_the_op_classes_keep_a_signature_of_their_own():
    # an op has its forward's signature, but the class itself had none to give:
    # inspect.signature(Op) raised "unexpected object <property ...> in __signature__"
    from autograd_lite.rules import Op, UnaryOp

    assert list(inspect.signature(Op).parameters) == ["rule", "doc"]
    assert list(inspect.signature(UnaryOp).parameters) == ["rule", "doc"]
    assert str(inspect.signature(ag.exp)) == "(x, /)"


def test_an_ops_signature_says_its_inputs_go_by_position():
    # it read (y, x), as if atan2(y=1.0, x=2.0) were a call the op takes: it refuses it
    scaled = ag.define_op("scaled_positional", lambda x, beta=1.0: beta * x, lambda x, out: (1.0,))
    assert str(inspect.signature(scaled)) == "(x, beta=1.0, /)"
    with pytest.raises(TypeError):
        inspect.signature(scaled).bind(x=1.0)
    assert list(inspect.signature(grad(scaled)).parameters) == ["x", "beta"]


def test_a_derivative_that_raises_a_type_error_names_the_op_the_point_and_the_call():
    # it was Python's bare "<lambda>() missing 1 required positional argument: 'out'":
    # math.hypot, hypot's forward, takes any count of inputs, its derivative two and out
    with pytest.raises(TypeError, match=r"^op 'hypot': its derivative raised TypeError \(.*"
                       r"missing 1 required positional argument: 'out'\) at input 0=3\.0, "
                       r"called as derivative\(input 0, out\)$"):  # fmt: skip
        hypot(Value(3.0))
    slip = ag.define_op("slip_in_derivative", lambda x: x, lambda x, out: (x + "1",))
    with pytest.raises(TypeError, match=r"^op 'slip_in_derivative': its derivative raised "
                       r"TypeError \(unsupported operand.*\) at x=1\.0, called as "
                       r"derivative\(x, out\)$"):  # fmt: skip
        slip(Value(1.0))

    class OwnTypeError(TypeError):  # an error of one's own, raised on purpose: left as it is
        pass

    def refuse(x, out):
        raise OwnTypeError("not this one")

    own = ag.define_op("own_type_error_in_derivative", lambda x: x, refuse)
    with pytest.raises(OwnTypeError, match=r"^not this one$"):
        own(Value(1.0))
    outer = ag.define_op("calls_a_slipping_op", lambda x: x, lambda x, out: (ag.grad(slip)(x),))
    with pytest.raises(TypeError, match=r"^op 'slip_in_derivative': "):  # passed on
        outer(Value(1.0))


def test_a_derivative_that_only_floats_can_run_says_so_when_differentiated_again():
    # it was "'Value' object has no attribute 'is_integer'", from inside grad(grad(f)),
    # with no word of which op, or that its derivative is given Values there
    floats_only = ag.define_op(
        "float_method_in_derivative",
        lambda x: x * x,
        lambda x, out: (2 * x if x.is_integer() else 2.0 * x,),
    )
    assert ag.grad(floats_only)(1.5) == 3.0
    with pytest.raises(AttributeError, match=r"^op 'float_method_in_derivative': its "
                       r"derivative, differentiated again, raised AttributeError \('Value' "
                       r"object has no attribute 'is_integer'\), called as derivative\(x, "
                       r"out\) on Values, not floats: .*ag functions"):  # fmt: skip
        ag.grad(ag.grad(floats_only))(1.5)


def test_a_forward_with_a_keyword_only_input_that_no_call_can_give_is_refused_at_define_op():
    # forward(x, *, c) was taken, and then no call could give c: by position it is too
    # many inputs, by keyword an op refuses it (an op's inputs go by position)
    with pytest.raises(TypeError, match=r"^define_op\('needs_a_keyword'\): forward needs the "
                       r"keyword-only c, which no call of an op can give .*make one op per "
                       r"constant"):  # fmt: skip
        ag.define_op("needs_a_keyword", lambda x, *, c: c * x, lambda x, out: (1.0,))
    assert "needs_a_keyword" not in ag.RULES
    with_default = ag.define_op(
        "keyword_with_default", lambda x, *, c=2.0: c * x, lambda x, out: (2.0,)
    )
    assert with_default(3.0) == 6.0
