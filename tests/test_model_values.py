"""The model's value objects are slotted and pickle (the reading cache) as their field values."""

from __future__ import annotations

import pickle
import typing
from dataclasses import dataclass, field, fields
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import graph.model as model

VALUES = sorted(
    {c for c in vars(model).values() if isinstance(c, type) and issubclass(c, model.Value) and c is not model.Value},
    key=lambda c: c.__name__,
)
st.register_type_strategy(Path, st.builds(Path, st.text(st.characters(codec="utf-8"), min_size=1, max_size=8)))
# a model's floats are scores and shares, never NaN (which equals no value, not even its copy)
FLOATS = st.floats(allow_nan=False)


def _every_field(cls: type) -> st.SearchStrategy[object]:
    """Instances of ``cls`` with every field drawn, those with defaults too."""
    hints = typing.get_type_hints(cls, vars(model))
    return st.builds(cls, **{f.name: FLOATS if hints[f.name] is float else st.from_type(hints[f.name]) for f in fields(cls)})


def test_every_value_object_is_slotted() -> None:
    assert len(VALUES) == 26  # Source: what the build keeps of a source once read
    for cls in VALUES:
        assert "__slots__" in vars(cls) and not hasattr(cls(*_placeholders(cls)), "__dict__"), cls.__name__


def _placeholders(cls: type) -> list[object]:
    return [None] * len([f for f in fields(cls)])


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(VALUES).flatmap(_every_field))
def test_a_value_object_comes_back_from_a_pickle_equal_field_by_field(value: object) -> None:
    back = pickle.loads(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    assert type(back) is type(value)
    assert [getattr(back, f.name) for f in fields(back)] == [getattr(value, f.name) for f in fields(value)]  # type: ignore[arg-type]
    assert hash(back) == hash(value)


def test_a_value_object_with_a_keyword_only_field_refuses_to_pickle() -> None:
    """Its field would be passed to the constructor in the wrong place: an error, not a wrong object."""

    @dataclass(frozen=True, slots=True)
    class Odd(model.Value):
        line: int
        kind: str = field(default="", kw_only=True)

    with pytest.raises(TypeError, match="positional"):
        pickle.dumps(Odd(1, kind="duty"))
