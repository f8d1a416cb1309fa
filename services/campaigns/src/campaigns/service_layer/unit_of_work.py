from __future__ import annotations

from campaigns.service_layer.ports import AbstractCampaigns, AbstractReplicas
from svckit.uow import AbstractUnitOfWork


class CampaignsUnitOfWork(AbstractUnitOfWork):
    """The repositories a use case of campaigns reaches, in one transaction."""

    replicas: AbstractReplicas
    campaigns: AbstractCampaigns
