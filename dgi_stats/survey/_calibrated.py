"""Influence totals of a calibrated design whose calibration cells never cross the domains.

The Taylor variance of a calibrated (post-stratified or raked) design residualises every row-level
influence column on the calibration cells. In general the residuals of one domain's column are
non-zero in every row, so the PSU totals form a dense PSU x estimate factor. When every cell of
every calibration margin lies inside one block of rows — raking a commune's survey to the
commune's own sex and age margins, say — the residualisation is block-diagonal: the residual of
a column supported on one block stays on that block. The columns of domains in different blocks
can then share one column through the residualisation and be separated afterwards, and the PSU
totals are sparse (a PSU touches only the estimates of its block's domains). This module finds the
blocks and computes those sparse totals; the result equals the dense computation up to rounding
(``tests/test_scores_structured.py``). Cells that join the whole sample (a national margin)
leave one block, and the dense computation is used.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from dgi_stats.survey.design import SurveyDesign

__all__ = ["calibration_blocks", "packed_influence_totals"]

#: Columns residualised at once (bounds the n x columns working matrices).
_CHUNK = 16


def calibration_blocks(design: SurveyDesign) -> np.ndarray | None:
    """Block of every row: rows joined by a shared cell of any calibration margin.

    Parameters
    ----------
    design : SurveyDesign
        A calibrated design.

    Returns
    -------
    numpy.ndarray or None
        Block label (0 ... B-1) of every row, or None when a calibration step is not made of
        cells (GREG calibration on a model matrix, a user-defined step) or the cells join all
        rows into one block.

    Examples
    --------
    >>> import pandas as pd
    >>> from dgi_stats.survey.weighting import rake_weights
    >>> df = pd.DataFrame({"unit": ["a", "a", "b", "b"], "sex": ["f", "m", "f", "m"]})
    >>> d = SurveyDesign(df, weights=[1.0, 1, 1, 1])
    >>> cells = pd.Series([2.0, 3, 4, 5], index=pd.MultiIndex.from_tuples(
    ...     [("a", "f"), ("a", "m"), ("b", "f"), ("b", "m")], names=["unit", "sex"]))
    >>> units = pd.Series([5.0, 9.0], index=pd.Index(["a", "b"], name="unit"))
    >>> raked = rake_weights(d, [units, cells]).design
    >>> calibration_blocks(raked).tolist()
    [0, 0, 1, 1]
    """
    n = int(np.asarray(design.weights).size)
    margins: list[np.ndarray] = []
    for step in design.calibration:
        codes = getattr(step, "codes", None)
        if codes is None:
            return None
        margins.extend(np.asarray(c, dtype=np.int64) for c in (codes if isinstance(codes, tuple) else (codes,)))
    if not margins:
        return None
    rows, cols, offset = [], [], n
    for codes in margins:
        rows.append(np.arange(n))
        cols.append(offset + codes)
        offset += int(codes.max()) + 1
    r, c = np.concatenate(rows), np.concatenate(cols)
    graph = sparse.coo_matrix((np.ones(r.size), (r, c)), shape=(offset, offset))
    n_blocks, labels = connected_components(graph, directed=False)
    if n_blocks < 2:
        return None
    _, blocks = np.unique(labels[:n], return_inverse=True)
    if int(blocks.max()) < 1:
        return None
    return np.asarray(blocks, dtype=np.int64)


def packed_influence_totals(
    design: SurveyDesign,
    influence: Callable[[np.ndarray, int], np.ndarray],
    k: int,
    codes: np.ndarray,
    n_dom: int,
    blocks: np.ndarray,
    groups: list[tuple[np.ndarray, int]],
) -> list[sparse.csr_matrix] | None:
    """Group totals of the residualised influence columns of every (domain, variable), sparse.

    Parameters
    ----------
    design : SurveyDesign
        The calibrated design (its steps residualise).
    influence : callable
        ``influence(rows, j)``: the influence values of variable ``j`` (one per row of ``rows``)
        for each row's own domain ``codes[rows]``.
    k : int
        Number of variables.
    codes : numpy.ndarray
        Domain of every row (-1: none).
    n_dom : int
        Number of domains.
    blocks : numpy.ndarray
        Calibration block of every row (:func:`calibration_blocks`).
    groups : list of (numpy.ndarray, int)
        Group of every row and the number of groups, for each set of totals wanted (PSUs, SSUs).

    Returns
    -------
    list of scipy.sparse.csr_matrix or None
        One ``n_groups x (n_dom * k)`` matrix per entry of ``groups`` (domain-major columns), or
        None when a domain's rows lie in more than one block (the dense computation applies).
    """
    n = codes.size
    inside = codes >= 0
    dom_block = np.full(n_dom, -1, dtype=np.int64)
    dom_block[codes[inside]] = blocks[inside]
    if (dom_block[codes[inside]] != blocks[inside]).any():
        return None
    # slot of every domain among the domains of its block (domains without rows: none)
    slot = np.zeros(n_dom, dtype=np.int64)
    present = np.flatnonzero(dom_block >= 0)
    order = present[np.argsort(dom_block[present], kind="stable")]
    b_sorted = dom_block[order]
    starts = np.r_[0, np.flatnonzero(np.diff(b_sorted)) + 1]
    first = np.repeat(starts, np.diff(np.r_[starts, b_sorted.size]))
    slot[order] = np.arange(order.size) - first
    n_slots = int(slot[present].max()) + 1 if present.size else 1
    n_blocks = int(blocks.max()) + 1
    owner = np.full((n_blocks, n_slots), -1, dtype=np.int64)
    owner[dom_block[present], slot[present]] = present
    width = n_slots * k
    row_slot = np.where(inside, slot[np.maximum(codes, 0)], -1)
    # (group, block) pairs and the matrices summing rows into them
    aggs = []
    for group, _ in groups:
        key = group.astype(np.int64) * n_blocks + blocks
        pairs, pair_of_row = np.unique(key, return_inverse=True)
        agg = sparse.csr_matrix((np.ones(n), (pair_of_row, np.arange(n))), shape=(pairs.size, n))
        aggs.append((pairs, agg, np.empty((pairs.size, width))))
    for start in range(0, width, _CHUNK):
        cols = np.arange(start, min(width, start + _CHUNK))
        part = np.zeros((n, cols.size))
        for c, col in enumerate(cols):
            rows = np.flatnonzero(row_slot == col // k)
            part[rows, c] = influence(rows, int(col % k))
        for step in design.calibration:
            part = np.asarray(step.residualize(part, design), dtype=float)
        for _, agg, sums in aggs:
            sums[:, cols] = agg @ part
    out = []
    for (pairs, _, sums), (_, n_groups) in zip(aggs, groups, strict=True):
        # each slot's column goes to its block's domain
        g_of, b_of = pairs // n_blocks, pairs % n_blocks
        dom = owner[b_of]  # pairs x slots
        rr = np.repeat(g_of, width)
        dd = np.repeat(dom, k, axis=1).ravel()
        cc = dd * k + np.tile(np.arange(k), pairs.size * n_slots)
        vals = sums.ravel()
        keep = dd >= 0
        if np.any(vals[~keep] != 0.0):  # a step did not keep the blocks apart
            return None
        out.append(sparse.csr_matrix((vals[keep], (rr[keep], cc[keep])), shape=(n_groups, n_dom * k)))
    return out
