"""The Taylor-variance step of calibration (R's ``greg_calibration``): residuals on the model.

:func:`~dgi_stats.survey.weighting.calibration.calibrate` stores a :class:`GregCalibrationStep` in
the calibrated design (see the calibration protocol of :mod:`dgi_stats.survey.design`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.linalg

from dgi_stats.survey.design import SurveyDesign
from dgi_stats.survey.weighting._common import residualize_columns

__all__ = ["QR_TOL", "GregCalibrationStep"]

#: R's ``qr()`` default tolerance for the rank.
QR_TOL = 1e-7


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class GregCalibrationStep:
    """Taylor-variance effect of calibration (R's ``greg_calibration`` entry of ``postStrata``).

    ``z <- qr.resid(qr(X √w⁰), z / (g √w⁰)) · g √w⁰``, i.e. ``w (u - X B̂)`` with ``u = z / w`` and
    ``B̂`` the ``w⁰``-weighted least-squares regression of ``u`` on ``X``.

    Parameters
    ----------
    q : numpy.ndarray
        Orthonormal basis (n x rank) of the column space of ``X √w⁰``.
    scale : numpy.ndarray
        ``g √w⁰`` per row.
    columns : tuple of str
        Model-matrix column names.

    Examples
    --------
    >>> import pandas as pd
    >>> from dgi_stats.survey.design import SurveyDesign
    >>> from dgi_stats.survey.weighting.calibration import calibrate_weights
    >>> d = SurveyDesign(pd.DataFrame({"x": [1.0, 2, 3, 4]}), weights=[10.0, 10, 10, 10])
    >>> res = calibrate_weights(d, pd.Series({"(Intercept)": 40.0, "x": 110.0}))
    >>> step = res.design.calibration[-1]
    >>> type(step).__name__, step.columns
    ('GregCalibrationStep', ('(Intercept)', 'x'))
    """

    q: np.ndarray
    scale: np.ndarray
    columns: tuple[str, ...]

    @classmethod
    def from_model(cls, x: np.ndarray, w0: np.ndarray, g: np.ndarray, columns: Sequence[str]) -> GregCalibrationStep:
        """Build the step from the model matrix, the weights before calibration and ``g``.

        Parameters
        ----------
        x : numpy.ndarray
            n x p model matrix.
        w0 : numpy.ndarray
            Weights before calibration (length n).
        g : numpy.ndarray
            Calibration factors, new weight / old weight (length n).
        columns : sequence of str
            Model-matrix column names.

        Returns
        -------
        GregCalibrationStep

        Examples
        --------
        >>> import numpy as np
        >>> s = GregCalibrationStep.from_model(np.ones((3, 1)), np.ones(3), np.ones(3), ["(Intercept)"])
        >>> s.residualize(np.array([1.0, 2.0, 3.0])).tolist()
        [-1.0, 0.0, 1.0]
        """
        whalf = np.sqrt(w0)
        q, r, _ = scipy.linalg.qr(x * whalf[:, None], mode="economic", pivoting=True)
        d = np.abs(np.diag(r))
        rank = int((d > QR_TOL * d[0]).sum()) if d.size and d[0] > 0 else 0
        return cls(q=np.ascontiguousarray(q[:, :rank]), scale=g * whalf, columns=tuple(columns))

    def residualize(self, z: np.ndarray, design: SurveyDesign | None = None) -> np.ndarray:
        """Residuals of the influence values ``z`` (n x k) on the calibration model.

        Parameters
        ----------
        z : numpy.ndarray
            ``n x k`` influence values (zero outside a domain).
        design : SurveyDesign, optional
            Unused.

        Returns
        -------
        numpy.ndarray
            ``n x k`` residuals.

        Examples
        --------
        >>> import numpy as np
        >>> s = GregCalibrationStep.from_model(np.ones((2, 1)), np.ones(2), np.ones(2), ["(Intercept)"])
        >>> s.residualize(np.array([[1.0], [3.0]])).ravel().tolist()
        [-1.0, 1.0]
        """
        return residualize_columns(z, self._residualize)

    def _residualize(self, x: np.ndarray) -> np.ndarray:
        s = self.scale
        pos = s != 0
        y = np.where(pos[:, None], x / np.where(pos, s, 1.0)[:, None], 0.0)
        res = y - self.q @ (self.q.T @ y)
        return np.asarray(res * s[:, None])

    def __repr__(self) -> str:
        return f"GregCalibrationStep(columns={list(self.columns)}, n={self.scale.size}, rank={self.q.shape[1]})"


