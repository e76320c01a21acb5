"""Pictures of the computation graph and of the backward pass (needs ``graphviz``).

>>> from autograd_lite.viz import draw_dot, draw_step, backprop_animation, stepper
>>> draw_dot(loss)                         # doctest: +SKIP
>>> draw_dot(loss).write("loss.svg")       # doctest: +SKIP
>>> stepper(loss)                          # doctest: +SKIP

``draw_dot`` builds the picture (no Graphviz program needed); showing or saving it runs the
Graphviz program found by ``programs.graphviz_program`` (system ``dot`` or ``graphviz-pure``).
"""

from .animation import BackpropAnimation, backprop_animation
from .dot import draw_dot, draw_step
from .jupyter import show_values_as_pictures
from .programs import GraphvizNotFoundError, Picture, graphviz_program, render, to_svg
from .stepper import Stepper, stepper  # imports ipywidgets only when called

__all__ = [
    "BackpropAnimation",
    "GraphvizNotFoundError",
    "Picture",
    "Stepper",
    "backprop_animation",
    "draw_dot",
    "draw_step",
    "graphviz_program",
    "render",
    "show_values_as_pictures",
    "stepper",
    "to_svg",
]

show_values_as_pictures()  # in Jupyter, a Value now shows as its graph (no cost elsewhere)
