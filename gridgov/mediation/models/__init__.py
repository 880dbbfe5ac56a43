from gridgov.mediation.models.agreements import Agreement, FollowUp, Visit
from gridgov.mediation.models.consultations import Consultation, FundingShare, Meeting, ProgressReport
from gridgov.mediation.models.disputes import Clue, Dispute, Party, PoliceReferral, RiskLevel, Session
from gridgov.mediation.models.ladder import MediationCentre, Tier

__all__ = [
    "Agreement",
    "Clue",
    "Consultation",
    "Dispute",
    "FollowUp",
    "FundingShare",
    "MediationCentre",
    "Meeting",
    "Party",
    "PoliceReferral",
    "ProgressReport",
    "RiskLevel",
    "Session",
    "Tier",
    "Visit",
]
