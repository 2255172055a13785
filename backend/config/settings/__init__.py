"""Settings, split by concern; each part reads its own environment variables."""

from .audit import *  # noqa: F403
from .base import *  # noqa: F403
from .cache import *  # noqa: F403
from .celery import *  # noqa: F403
from .database import *  # noqa: F403
from .files import *  # noqa: F403
from .graphql import *  # noqa: F403
from .imports import *  # noqa: F403
from .metrics import *  # noqa: F403
from .privacy import *  # noqa: F403
from .security import *  # noqa: F403
from .tenancy import *  # noqa: F403
