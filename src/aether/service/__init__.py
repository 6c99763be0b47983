"""The control plane: a multi-tenant HTTP API that runs jobs on the twin's fleet.

    from aether.service import Service, ServiceConfig, create_app
    app = create_app(Service(ServiceConfig(scenario)))

`aether serve` runs it under uvicorn; `aether jobs` is its client.
"""

from aether.service.app import create_app
from aether.service.core import BODY_LIMIT_BYTES, DEFAULT_DATA_DIR, Service, ServiceConfig, announce_admin_key
from aether.service.scheduler import place

__all__ = ["BODY_LIMIT_BYTES", "DEFAULT_DATA_DIR", "Service", "ServiceConfig", "announce_admin_key", "create_app",
           "place"]
