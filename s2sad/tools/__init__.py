"""Tools on top of the API: the command line and evaluation traces.

- ``cli``: ``s2sad FILE.py:FUNC`` prints the derivative s2sad generates;
- ``trace``: every value of the three-address form with its adjoint or tangent.

>>> from s2sad.tools.trace import format_value
>>> format_value(0.6931471805599453), format_value(2.0)
('0.693', '2')
"""
