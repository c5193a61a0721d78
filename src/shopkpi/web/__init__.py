"""The web app: server-rendered pages (Jinja2, ECharts served locally) and ``/api/v1``."""

from shopkpi.web.app import create_app
from shopkpi.web.settings import WebSettings

__all__ = ["WebSettings", "create_app"]
