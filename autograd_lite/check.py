"""`gradcheck`: is a derivative right? Compare it with a difference quotient.

The derivative of f at x is the slope of f there. Central differences measure that slope
directly, with no calculus at all::

    df/dx  ≈  (f(x + eps) - f(x - eps)) / (2 eps)

which is accurate to about eps² (the error of the one-sided quotient is about eps).
``gradcheck`` computes every gradient both ways, by reverse mode and by central
differences, and raises ``GradcheckError`` with a table when they disagree:

    >>> import autograd_lite as ag
    >>> ag.gradcheck(lambda x, y: x * ag.exp(y), 2.0, 0.5)
    True
"""

from __future__ import annotations

import math
import sys
import warnings

from .functional import differentiating, gradients
from .reals import as_real
from .recording import no_grad
from .rules import input_names
from .suspects import blame, report
from .value import Value, number_of


class GradcheckError(AssertionError):
    """Reverse-mode gradients disagree with central differences; the message has the table."""


def gradcheck(f, *inputs, eps=1e-6, atol=1e-5, rtol=1e-3) -> bool:
    """True when every df/d(input) matches central differences, else ``GradcheckError``.

    A gradient passes when ``|analytic - numeric| <= atol + rtol * |numeric|``. ``f`` takes
    the inputs (numbers or Values; a Value's ``.data`` is used) and returns one number.
    The step is ``eps``, and ``eps * |x| / 1000`` for an input larger than 1000 (see
    ``step``).

    On both sides each input enters ``f`` as a fresh leaf, so the gradients are the partial
    derivatives with respect to ``f``'s arguments, as ``grad``'s are: a Value that ``f``
    closes over stays a constant, even when the same Value is also given as an input.

    Errors: ``f`` not callable, no inputs, or an input, ``eps``, ``atol`` or ``rtol`` that is
    not a real number: ``TypeError``; an input that is inf or nan, ``eps`` not positive and
    finite, or ``atol`` or ``rtol`` negative or not finite: ``ValueError``; so is an f that
    cannot be evaluated a step from an input (it raises there, or gives nan there and not at
    the input: the step left its domain).
    """
    if not callable(f):
        raise TypeError(f"gradcheck needs a function, got {type(f).__name__} {f!r}")
    if not inputs:
        raise TypeError("gradcheck needs at least one input: gradcheck(f, x, y, ...)")
    if len(inputs) == 1 and isinstance(inputs[0], (list, tuple)):
        raise TypeError("gradcheck takes the inputs one by one: gradcheck(f, *inputs), not a list")
    eps = tolerance(eps, "gradcheck: eps", positive=True)
    atol = tolerance(atol, "gradcheck: atol")
    rtol = tolerance(rtol, "gradcheck: rtol")
    points = finite_points(inputs)
    analytic = reverse_mode(f, points)
    numeric = [central_difference(f, points, i, step(x, eps)) for i, x in enumerate(points)]
    names = input_names(f, len(points))
    table = compare(analytic, numeric, atol, rtol, names, points)
    if table is not None:
        raise GradcheckError(
            f"gradcheck: the gradient of {_name(f)} disagrees with central differences "
            f"({_settings(points, names, eps, atol, rtol)})\n"
            f"{table}{ops_to_blame(f, points, eps=eps, atol=atol, rtol=rtol)}"
        )
    return True


def _settings(points, names, eps, atol, rtol) -> str:
    """The settings, for the message, with the steps wider than ``eps`` that inputs past
    |x| = 1000 were given: "eps=1e-06; step 0.005 for x, as |x| > 1000; atol=1e-05, ..."."""
    wider = [f"{step(x, eps):g} for {name}" for x, name in zip(points, names) if step(x, eps) > eps]
    steps = f"; step {', '.join(wider)}, as |x| > 1000;" if wider else ","
    return f"eps={eps:g}{steps} atol={atol:g}, rtol={rtol:g}"


def step(x, eps) -> float:
    """The step of a central difference at x: ``eps``, and past |x| = 1000 a billionth of
    |x| (with the default eps), where floats lie too far apart for ``eps``: near 1e10,
    ``x + 1e-6`` is ``x``. Not ``eps * |x|`` from 1 on: a sine or a kink is as narrow at
    1e5 as at 1, and a step of 0.1 there (1 at 1e6) steps over it."""
    return eps * max(1.0, math.fabs(x) / 1000.0)


def tolerance(x, where, positive=False) -> float:
    """A step or tolerance as a float: a real number (TypeError), finite and >= 0, or > 0
    when ``positive`` (ValueError).
    """
    x = as_real(x, where)
    if not math.isfinite(x) or x < 0 or (positive and x == 0):
        wanted = "a small positive number" if positive else "a number >= 0"
        raise ValueError(f"{where} must be {wanted}, got {x!r}")
    return x


def finite_points(inputs, who="gradcheck") -> list[float]:
    """The numbers of the inputs (a Value's ``.data``): each a real number (TypeError) and
    finite (ValueError), since at inf or nan no difference quotient means anything."""
    points = [number_of(x, f"{who}: input {i}") for i, x in enumerate(inputs)]
    for i, x in enumerate(points):
        if not math.isfinite(x):
            raise ValueError(
                f"{who}: input {i} = {x!r}: a derivative cannot be checked at an infinite "
                "or nan point; give finite inputs"
            )
    return points


def ops_to_blame(f, points, who="gradcheck", eps=1e-6, atol=1e-5, rtol=1e-3) -> str:
    """Lines for the end of a mismatch's message: each op of yours in f's graph whose local
    derivative disagrees with its forward's slope, judged with gradcheck's ``eps``, ``atol``
    and ``rtol`` (``suspects.py``; ``assert_gradients_match`` keeps the defaults: its own
    tolerances are tighter than one central difference can meet); "" for none."""
    leaves = [Value(x) for x in points]
    with warnings.catch_warnings(), differentiating():  # (f warned once already)
        warnings.simplefilter("ignore")
        output = call(f, leaves, who)
    # gradcheck's points are the caller's; a property test's come from expressions
    away = "; in expressions(...), user_op(op, kinks=[...]) keeps each of its inputs away from them"
    away = "" if who == "gradcheck" else away
    return report(blame(output, atol, rtol, input_names, lambda x: step(x, eps)), away)


def reverse_mode(f, points, who="gradcheck") -> list[float]:
    """Every df/d(input) at ``points``, by one backward pass over fresh leaves."""
    leaves = [Value(x) for x in points]
    with differentiating():  # records even under no_grad; a grad inside f stays a Value
        output = call(f, leaves, who)
    return gradients(output, leaves)


def central_difference(f, points, i, eps, who="gradcheck") -> float:
    """(f(.., x_i + eps, ..) - f(.., x_i - eps, ..)) / (2 eps), nothing recorded.

    Fresh leaves here too, so that both sides differentiate the same function.
    """
    high, low = _both_sides(f, points, i, eps, who)
    return (high - low) / (2 * eps)


def _both_sides(f, points, i, eps, who):
    """f(.., x_i + eps, ..) and f(.., x_i - eps, ..), as numbers: the two ends of a central
    difference."""
    up, down = list(points), list(points)
    up[i] += eps
    down[i] -= eps
    smaller = ", or give a smaller eps" if who == "gradcheck" else ""
    where = f"input {i} = {points[i]!r} +- {eps:g}, where the difference quotient needs it"
    try:
        high, low = _value_at(f, up, who), _value_at(f, down, who)
    except (ValueError, ZeroDivisionError) as error:  # x +- eps left f's domain: say so
        raise ValueError(
            f"{who}: {_name(f)} cannot be evaluated at {where} ({error}); check a point "
            f"farther inside its domain{smaller}"
        ) from error
    # nan there and not at x: a domain left as IEEE's log leaves it, without raising
    if (math.isnan(high) or math.isnan(low)) and not math.isnan(_value_at(f, points, who)):
        raise ValueError(
            f"{who}: {_name(f)} is nan at {where}, and not at the input itself: check a "
            f"point farther inside its domain{smaller}"
        )
    return high, low


def _value_at(f, points, who) -> float:
    """f at ``points``, as a number. Values still flow through f (it may call x.exp()),
    but no graph is recorded."""
    with no_grad():
        return number_of(call(f, [Value(x) for x in points], who), who)


def extrapolated_difference(f, points, i, first_step=None, halvings=6, who="gradcheck"):
    """df/d(input i) to near machine precision, and an estimate of its error.

    Central differences are off by about c·h² for step h. Halving h divides that error by
    4, so from D(h) and D(h/2) the combination (4·D(h/2) - D(h)) / 3 cancels the h² term
    (Richardson extrapolation); repeating cancels h⁴, h⁶, ... Small steps suffer from
    rounding instead: f's values are right to about 1e-16 of their size, so a difference
    over a step h is off by up to about 1e-16·|f|/h, whatever the table says. An entry's
    error estimate is how far extrapolating moved it, but never less than that, and we keep
    the estimate with the smallest (without that floor, sin(x) + 1e10 gave 0 ± 0: over
    small steps both values of f round to the same float).

    Which first step suits f is not known in advance: a step far larger than the scale on
    which f changes sees none of it (sin(1000·x) changes sign every 0.003; its differences
    over 0.1 are noise), and its error estimate can look small all the same. So the table
    is made again from a first step seven times smaller, until two tables in a row are
    sure of themselves (error estimate within 1e-6 of the estimate) and agree: then both
    have seen the same derivative. (Seven, not ten: steps ten times apart alias alike on
    round frequencies, sin(10⁴·x) gave -53.1 twice.) Seven tries take the first step from
    0.1 down to about 1e-7. Near a small x ≠ 0, if no two have agreed yet, the tries go on
    while the first step is above |x| / 1000 (at most ``MOST_TABLES`` tables): a pole at 0
    that the larger steps straddled is then left out of the steps (1/x at 1e-7: over 0.1,
    f goes from -10 to 10, and no two tables agreed). The first step is 0.1 (1e-7·|x| past
    |x| = 10**6, so that x ± step still differs from x in many bits); one that leaves f's
    domain (log near 0) is halved until it does not, and a table stops at a smaller step
    that does (a pole between). Where the two that agree straddle a kink at 0 from a small
    x ≠ 0, a table on x's own side of 0 may have the last word (``_on_its_side``). Returns
    ``(estimate, error estimate)``: the estimate of the two that agree with the smaller
    error, its error at least how far the two are apart; or else those of the table with
    the smallest error.
    """
    x = math.fabs(points[i])
    step = first_step if first_step is not None else 0.1 * max(1.0, x * 1e-6)
    tables = [_richardson(f, points, i, step, halvings, who)]
    for tries in range(1, MOST_TABLES):
        step /= 7
        # after AGREE_TRIES tries, go on only near a small x ≠ 0, down to steps of |x| / 1000
        if tries > AGREE_TRIES and not 0 < x / 1000 < step:
            break
        tables.append(_richardson(f, points, i, step, halvings, who))
        (coarse, coarse_error), (fine, fine_error) = tables[-2:]
        scale = max(1.0, math.fabs(fine))
        sure = max(coarse_error, fine_error) <= 1e-6 * scale
        if sure and math.fabs(fine - coarse) <= 1e-7 * scale + 2 * (coarse_error + fine_error):
            estimate, error = min(tables[-2:], key=lambda table: table[1])
            found = estimate, max(error, math.fabs(fine - coarse))
            return _on_its_side(f, points, i, step, found, halvings, who)
    return min(tables, key=lambda table: table[1])


def _on_its_side(f, points, i, step, found, halvings, who):
    """``found`` by two tables that agree, unless their steps reached past 0 from a small
    x ≠ 0, over a kink: steps that straddle a kink at 0 agree on the slope across it (abs
    at 1e-8 gave 2.3e-7 ± 1.4e-6, at 1e-200 0 ± 2e-16, and a right derivative was "wrong").
    There the derivative is the slope at x, and the table whose steps stay within |x| / 2
    of it wins, when it is sure of a slope other than 0 to a millionth of itself.

    A kink is a jump of the slope that does not shrink with the step: the one-sided slopes
    of a smooth f differ by about step·f'', of abs across 0 by 2 at any step. Only there:
    over steps within |x| / 2, f may compute with numbers far larger than x, and its
    rounding is then more than |f| shows (-1 + (1 + x) + x at x = 1e-81 has slope 1 there,
    and sigmoid(1e-117) is 0.5), so elsewhere the agreeing tables stand."""
    x = math.fabs(points[i])
    if not 0 < x < step or x / 2 ** (halvings + 1) < sys.float_info.min:
        return found
    try:
        middle = _value_at(f, points, who)  # (the same for both steps)
        jumps = [_slope_jump(f, points, i, h, middle, who) for h in (7 * step, step)]
    except ValueError:  # (7 steps away f may be undefined: no kink to see)
        return found
    (coarse, _), (fine, rounding) = jumps
    if fine <= 1e-6 * max(1.0, math.fabs(found[0])) + rounding or fine < coarse / 2:
        return found
    near, near_error = _richardson(f, points, i, x / 2, halvings, who)
    sure = near != 0 and near_error <= 1e-6 * math.fabs(near)
    if sure and math.fabs(near - found[0]) > 1e-7 * max(1.0, math.fabs(near)) + 2 * (
        near_error + found[1]
    ):
        return near, near_error
    return found


def _slope_jump(f, points, i, h, middle, who):
    """|slope to the right - slope to the left| of f at x over a step h (``middle`` is f at
    x), and how far rounding alone may have moved it."""
    high, low = _both_sides(f, points, i, h, who)
    rounding = 4 * EPSILON * max(math.fabs(high), math.fabs(low), math.fabs(middle)) / h
    return math.fabs(high - 2 * middle + low) / h, rounding


#: How many times ``extrapolated_difference`` makes its table again, each time from a step
#: seven times smaller, looking for two that agree (0.1 down to about 1e-7); near a small
#: x it goes on while the step is above |x| / 1000, up to MOST_TABLES tables in all.
AGREE_TRIES = 7
MOST_TABLES = 20


def _richardson(f, points, i, step, halvings, who):
    """The Richardson table of ``extrapolated_difference`` from a first step ``step``
    (halved first while f cannot be evaluated that far away)."""
    for halved in range(41):
        try:
            first = central_difference(f, points, i, step, who)
            break
        except ValueError:  # (it says where f could not be evaluated)
            if halved == 40:  # 0.1 / 2**40 is about 1e-13: too near the edge to check
                raise
            step /= 2
    table = [[first]]  # table[k][j]: step / 2**k, extrapolated j times
    best, best_error = math.nan, math.inf
    for k in range(1, halvings + 1):
        try:
            difference, rounding = _rounded_difference(f, points, i, step / 2**k, who)
        except ValueError:  # this step lands on a point f is not defined at: stop here
            break
        row = [difference]
        for j in range(1, k + 1):
            previous = table[k - 1][j - 1]
            row.append(row[j - 1] + (row[j - 1] - previous) / (4**j - 1))
            # how far extrapolating moved it, but never less than rounding alone can
            error = max(math.fabs(row[j] - row[j - 1]), math.fabs(row[j] - previous), rounding)
            if error <= best_error:
                best, best_error = row[j], error
        table.append(row)
    return best, best_error


def _rounded_difference(f, points, i, step, who):
    """The central difference at ``step``, and how far rounding alone may have moved it.

    f's values are floats, each right to about ``EPSILON`` times its size; so their
    difference may be off by ``2 * EPSILON * |f|``, and the quotient by ``EPSILON * |f| / step``.
    A large |f| or a tiny step leaves few of f's digits to the difference.
    """
    high, low = _both_sides(f, points, i, step, who)
    return (high - low) / (2 * step), EPSILON * max(math.fabs(high), math.fabs(low)) / step


#: The spacing of floats near 1 (2**-52): a float is right to about this part of its size.
EPSILON = sys.float_info.epsilon


def call(f, args, who="gradcheck"):
    """f(*args), checked to be one number (a Value or a plain number)."""
    out = f(*args)
    if isinstance(out, Value):
        return out
    if isinstance(out, (list, tuple, str, bytes)) or out is None:
        raise TypeError(
            f"{who}: {_name(f)} must return a single number, but it returned "
            f"{type(out).__name__} {out!r:.60}"
        )
    return as_real(out, f"{who}: the result of {_name(f)}")


def compare(analytic, numeric, atol, rtol, names, points, errors=None) -> str | None:
    """None when every pair agrees; else a table of every input, the failing ones marked.

    A pair agrees when ``|analytic - numeric| <= atol + rtol * |numeric| + 2 * error``, with
    ``errors`` the numeric side's own error estimates (one per input), when it has them:
    then the table shows them too, in a column ``numeric ±``.
    """
    rows, failed = [], False
    for k, (name, x, a, n) in enumerate(zip(names, points, analytic, numeric)):
        abs_err = math.fabs(a - n)
        rel_err = abs_err / math.fabs(n) if n != 0 else (0.0 if a == 0 else math.inf)
        slack = atol + rtol * math.fabs(n) + (2 * errors[k] if errors else 0.0)
        ok = a == n or abs_err <= slack  # a == n: equal infinities
        failed = failed or not ok
        rows.append((name, x, a, n, abs_err, rel_err, ok))
    return format_table(rows, errors) if failed else None


def format_table(rows, errors=None) -> str:
    """The mismatch table: one line per input, ``<-- wrong`` on the failing ones; with
    ``errors``, a column ``numeric ±`` shows how sure the numeric side is of itself."""
    header = ["input", "value", "analytic", "numeric", "abs err", "rel err"]
    lines = [[name, f"{x:.6g}", f"{a:.10g}", f"{n:.10g}", f"{ae:.3g}", f"{re:.3g}"] for
             name, x, a, n, ae, re, _ in rows]  # fmt: skip
    if errors:
        header.insert(4, "numeric ±")
        for cells, error in zip(lines, errors):
            cells.insert(4, f"{error:.2g}")
    widths = [max(len(row[c]) for row in [header, *lines]) for c in range(len(header))]

    def line(cells):
        return "  ".join(cell.rjust(w) if c else cell.ljust(w) for c, (cell, w) in
                         enumerate(zip(cells, widths))).rstrip()  # fmt: skip

    out = [line(header), line(["-" * w for w in widths])]
    for cells, row in zip(lines, rows):
        out.append(line(cells) + ("" if row[-1] else "  <-- wrong"))
    return "\n".join(out)


def _name(f) -> str:
    return getattr(f, "__name__", None) or repr(f)
