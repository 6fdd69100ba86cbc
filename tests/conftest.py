from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def repo_dir() -> Path:
    return REPO


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"shared reference folder not found at {SHARED}")
    return SHARED


@pytest.fixture(scope="session")
def saq(shared_dir):
    """Field's SAQ as a DataFrame of 23 numeric items (Question_01..Question_23)."""
    import pyreadstat

    df, _meta = pyreadstat.read_sav(str(shared_dir / "data" / "saq" / "SAQ.sav"))
    return df
