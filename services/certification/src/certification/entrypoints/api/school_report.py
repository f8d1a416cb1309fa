"""The school report's API (LSU/LSL): a school's certification results by UAI, for applications only.

The caller is an OAuth 2 client of identity (client credentials) holding the scope ``certification-results``
(svckit.auth.scope_required: a person's token, a platform admin's included, is 403 ``CLIENT_TOKEN_REQUIRED``;
a client without the scope 403 ``INSUFFICIENT_SCOPE``), and reads only the schools its token's
``uai_prefixes`` open (domain/school_report.py).
"""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from certification import views
from certification.domain.school_report import SCOPE
from svckit.auth import current_client, scope_required
from svckit.openapi import errors

school_report = Blueprint("school-report", __name__, url_prefix="/api/livret-scolaire",
                          description="The school report's applications (LSU for collèges, LSL for lycées), as OAuth 2 "
                                      f"clients with the scope {SCOPE}: a school's certification results by UAI")


class SchoolQuerySchema(Schema):
    uai = fields.String(required=True, validate=validate.Regexp(r"^\s*[0-9]{7}[A-Za-z]\s*$", error="A UAI is 7 "
                        "digits and a letter (0691234A)."), metadata={"example": "0691234A"})


class CompetenceResultSchema(Schema):
    competence_id = fields.String(metadata={"example": "1.1"})
    level = fields.Integer(metadata={"description": "0 (not certified) to 7"})


class SchoolCertificateSchema(Schema):
    id = fields.UUID(metadata={"description": "The certification (course)"})
    national_student_id = fields.String(allow_none=True, metadata={"description": "The INE, as the school's list "
                                                                                   "has it (none when it lacks one)"})
    first_name = fields.String()
    last_name = fields.String()
    birthdate = fields.Date()
    division = fields.String(allow_none=True, metadata={"description": "The pupil's class in the school's list"})
    status = fields.String(metadata={"description": "validated or rejected (cancelled ones are left out)"})
    pix_score = fields.Integer(metadata={"description": "0 to 895; 0 when rejected"})
    global_level = fields.Integer(allow_none=True, metadata={"description": "None below level 1 or when rejected"})
    verification_code = fields.String()
    date = fields.Date(metadata={"description": "The session's date"})
    delivered_at = fields.DateTime(metadata={"description": "When the results were published"})
    certification_center = fields.String()
    competence_results = fields.List(fields.Nested(CompetenceResultSchema),
                                     metadata={"description": "The 16 competences' levels when validated, else empty"})


class AreaSchema(Schema):
    id = fields.String()
    name = fields.String()


class CompetenceSchema(Schema):
    id = fields.String()
    name = fields.String()
    area = fields.Nested(AreaSchema)


class SchoolResultsSchema(Schema):
    uai = fields.String()
    school = fields.String()
    school_kind = fields.String(allow_none=True, metadata={"description": "COLLEGE (LSU), LYCEE (LSL), or not set"})
    certifications = fields.List(fields.Nested(SchoolCertificateSchema),
                                 metadata={"description": "Each pupil's latest, by last then first name; empty "
                                                          "when none"})
    competences = fields.List(fields.Nested(CompetenceSchema), metadata={"description": "The 16 competences"})


@school_report.route("/certification-results")
class SchoolCertificationResults(MethodView):
    @scope_required(SCOPE)
    @errors(404)  # SCHOOL_NOT_FOUND: unknown here or of another academy, the same answer
    @school_report.arguments(SchoolQuerySchema, location="query")
    @school_report.response(200, SchoolResultsSchema)
    def get(self, query: dict):
        """A school's certification results by UAI: each pupil's latest (the school report, LSU/LSL)"""
        client = current_client()
        return views.school_report(current_app.extensions["certification"].engine, query["uai"],
                                   client.claims.get("uai_prefixes") or [])
