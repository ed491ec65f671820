"""Cases for ``np.einsum`` (``s2sad/rules/einsum.py``): every form of its subscripts."""

from s2sad import UnsupportedSyntaxError

from .rule_cases import A, S, add, case

add(
    "np.einsum(*operands, out=None, optimize=False)",
    [
        # two operands, explicit and implicit output
        case("np.einsum('ij,jk->ik', x, y)", x=A((2, 3)), y=A((3, 4))),
        case("np.einsum('i,i->', x, y)", x=A((3,)), y=A((3,))),
        case("np.einsum('ij,j->i', x, y)", x=A((2, 3)), y=A((3,))),
        case("np.einsum('ij,kj->ik', x, y)", x=A((2, 3)), y=A((4, 3))),
        case("np.einsum('ij,jk', x, y)", x=A((2, 3)), y=A((3, 4))),
        case("np.einsum('i,j->ij', x, y)", x=A((2,)), y=A((3,))),
        case("np.einsum('ij,j->j', x, y)", x=A((2, 3)), y=A((3,))),
        case("np.einsum('bij,bjk->bik', x, y)", x=A((2, 3, 4)), y=A((2, 4, 2))),
        case("np.einsum('ij,ij', x, y)", x=A((2, 3)), y=A((2, 3))),
        case("np.einsum('Ba,aC', x, y)", x=A((2, 3)), y=A((3, 4))),  # implicit: upper case first
        case("np.einsum('ij,jk->ik', x, x)", x=A((3, 3))),  # the same operand twice
        case("np.einsum('i,i', x, x)", x=A((4,))),
        case("np.einsum('ij,jk->ik', x, y, optimize=True)", x=A((2, 3)), y=A((3, 4))),
        case("np.einsum('ij,jk->ik', x, y, optimize='greedy')", x=A((2, 3)), y=A((3, 4))),
        case("np.einsum('ij,jk->ki', x, y)", x=A((2, 3)), y=A((3, 4))),
        case("np.einsum('i,->i', x, s)", x=A((3,)), s=S()),  # a number as an operand
        case("np.einsum('i,i', [s, s * t], y)", s=S(), t=S(), y=A((2,))),  # a list as an operand
        # a letter summed in one operand only
        case("np.einsum('ij,k->k', x, y)", x=A((2, 3)), y=A((4,))),
        case("np.einsum('ijk,j->i', x, y)", x=A((2, 3, 4)), y=A((3,))),
        # one operand: transposes, sums, traces, diagonals
        case("np.einsum('ij->ji', x)", x=A((2, 3))),
        case("np.einsum('ij->', x)", x=A((2, 3))),
        case("np.einsum('ij->j', x)", x=A((2, 3))),
        case("np.einsum('ijk->ik', x)", x=A((2, 3, 4))),
        case("np.einsum('ij', x)", x=A((2, 3))),
        case("np.einsum('ji', x)", x=A((2, 3))),
        case("np.einsum('i', x)", x=A((3,))),
        case("np.einsum('ii->', x)", x=A((3, 3))),
        case("np.einsum('ii', x)", x=A((3, 3))),
        case("np.einsum('ii->i', x)", x=A((3, 3))),
        case("np.einsum('iij->j', x)", x=A((3, 3, 2))),
        case("np.einsum('iji->ij', x)", x=A((3, 2, 3))),
        case("np.einsum('iii->i', x)", x=A((2, 2, 2))),
        case("np.einsum('iijj->', x)", x=A((2, 2, 3, 3))),
        # repeated letters with other operands
        case("np.einsum('ii,i->i', x, y)", x=A((3, 3)), y=A((3,))),
        case("np.einsum('ij,jj->i', x, y)", x=A((2, 3)), y=A((3, 3))),
        # three and more operands
        case("np.einsum('ij,jk,kl->il', x, y, z)", x=A((2, 3)), y=A((3, 4)), z=A((4, 2))),
        case("np.einsum('i,ij,j', x, y, z)", x=A((2,)), y=A((2, 3)), z=A((3,))),
        case("np.einsum('i,j,k->ijk', x, y, z)", x=A((2,)), y=A((3,)), z=A((2,))),
        case("np.einsum('ab,bc,cd,de->ae', x, y, z, w)", x=A((2, 3)), y=A((3, 2)), z=A((2, 2)), w=A((2, 3))),
        case("np.einsum('ij,ij,ij->', x, y, x)", x=A((2, 3)), y=A((2, 3))),
        case("np.einsum('ij,jk,kl->il', x, y, x)", x=A((3, 3)), y=A((3, 3))),
        # ... broadcasting
        case("np.einsum('...ij,...jk->...ik', x, y)", x=A((2, 2, 3)), y=A((2, 3, 4))),
        case("np.einsum('...ij,...jk->...ik', x, y)", x=A((2, 3)), y=A((2, 3, 4))),
        case("np.einsum('...ij,...jk->...ik', x, y)", x=A((1, 2, 3)), y=A((2, 3, 4))),
        case("np.einsum('...ij,jk', x, y)", x=A((2, 2, 3)), y=A((3, 4))),
        case("np.einsum('...i,...i->...', x, y)", x=A((2, 3)), y=A((3,))),
        case("np.einsum('...ii->...i', x)", x=A((2, 3, 3))),
        case("np.einsum('i...->...', x)", x=A((2, 3, 4))),
        case("np.einsum('ij...,jk...->ik...', x, y)", x=A((2, 3, 1)), y=A((3, 4, 2))),
        case("np.einsum('...', x)", x=A((2, 3))),
        case("np.einsum('...,...', x, y)", x=A((2, 3)), y=A((3,))),
        case("np.einsum('ij,ij->ij', x, y)", x=A((1, 3)), y=A((2, 3))),  # a letter broadcast
        case("np.einsum('l,l', x, y)", x=A((2,)), y=A((1,))),  # ... and summed: x_bar grows back
        case("np.einsum('jk,jl', x, y)", x=A((1, 4)), y=A((3, 2))),
        case("np.einsum('ki,ji...', x, y)", x=A((4, 2)), y=A((3, 1, 1, 2))),
        # the sublist form
        case("np.einsum(x, [0, 1], y, [1, 2], [0, 2])", x=A((2, 3)), y=A((3, 4))),
        case("np.einsum(x, [0, 1], y, [1, 2])", x=A((2, 3)), y=A((3, 4))),
        case("np.einsum(x, [0, 0])", x=A((3, 3))),
        case("np.einsum(x, [1, 0], [0])", x=A((2, 3))),
        case("np.einsum(x, [..., 0, 1], y, [..., 1, 2], [..., 0, 2])", x=A((2, 2, 3)), y=A((3, 4))),
        case("np.einsum(x, (0, 1), y, (1,), (0,))", x=A((2, 3)), y=A((3,))),
        case("np.einsum(x, [0, 1], y, [1, 2], z, [2, 3], [0, 3])", x=A((2, 3)), y=A((3, 2)), z=A((2, 4))),
        # subscripts that are not constants: tests/rules/test_einsum.py (forward mode has them)
        case("np.einsum('i,i', x, y, dtype=float)", x=A((3,)), y=A((3,)), error=UnsupportedSyntaxError),
        case("np.einsum('i,i', x, y, out=None)", x=A((3,)), y=A((3,))),
    ],
)
