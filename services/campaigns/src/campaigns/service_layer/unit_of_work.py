from __future__ import annotations

from campaigns.service_layer.ports import AbstractCampaigns, AbstractParticipations, AbstractReplicas
from svckit.uow import AbstractUnitOfWork


class CampaignsUnitOfWork(AbstractUnitOfWork):
    """The repositories a use case of campaigns reaches, in one transaction."""

    replicas: AbstractReplicas
    campaigns: AbstractCampaigns
    participations: AbstractParticipations
