"""Simplify derivative code until it reads like what a person would write.

Each pass is a function ``(body, state) -> body`` in a module of its own
(``state.State`` holds what the passes share). ``simplifier.PASSES`` runs them
in this order:

1. ``rename_into_results`` (``propagate``): a gradient keeps its name;
2. in rounds, until a round changes nothing:
   ``propagate`` (copies read as what they copy), ``read_displays`` (an item of a
   display read by its key is the item), ``reroot_shapes`` (a shape read off an
   operand of the same shape), ``fold_ones`` (``np.ones(s) * y`` is ``y``),
   ``live_code`` (``dce``: what nothing reads goes);
3. ``cse``: a part that statements repeat gets one name;
4. ``fuse`` (``accumulate``): ``x = a; x += b`` is ``x = a + b``;
5. ``propagate``, ``fold_ones``: what the common parts and fused updates simplified to;
6. ``gather`` (``displays``): a container's adjoint added item by item is a display;
7. ``split_unpacks`` (``displays``): ``a, b = [e1, e2]`` is ``a = e1; b = e2``;
8. ``read_displays``, ``propagate``, ``live_code`` once more;
9. ``inline_views`` (``inline``): ``K.T`` is written at every use;
10. ``inline``, ``fold_ones``: a temporary read once is folded into its use;
11. where an unpacking is left: ``split_unpacks``, ``propagate``, ``inline``;
12. ``live_code``, then ``dead_tapes`` (``dce``) three times: a tape nobody pops goes;
13. ``drop_defaults`` (``defaults``): arguments equal to the default go;
14. ``first_writes`` (``accumulate``): ``a[i] += e`` into fresh zeros is ``a[i] = e``;
15. ``hoist_common`` (``order``): what both branches start with comes before the ``if``;
16. ``tangent_first`` (``order``), ``coalesce`` (versions of one variable share a
    name), ``tangent_first`` again.

``finish`` runs after them: it hands adjoints over as gradients of their
arguments' types and makes in-place updates safe. ``examples`` reads a few
lines of Python as IR, for the examples of each pass and their tests.
"""

from .facts import filled
from .finish import finish
from .simplifier import PASSES, Simplifier, simplify
from .state import State

__all__ = ["PASSES", "Simplifier", "State", "filled", "finish", "simplify"]
