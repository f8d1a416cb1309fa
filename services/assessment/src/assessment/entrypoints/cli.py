"""``assessment``: the service's processes (api, consumer, relay, migrate...) and its content commands."""

from __future__ import annotations

import getpass
import hashlib
import json
from pathlib import Path

import click

from assessment.adapters.answer_records import first_campaign_answers
from assessment.adapters.content_pack import ContentPackInvalid, read_pack
from assessment.bootstrap import bootstrap
from assessment.domain.exceptions import ContentNotReleased
from assessment.service_layer import handlers
from assessment.service_layer.calibration import fit_item_parameters
from irt.calibration import DEFAULT_MIN_ANSWERS
from svckit.cli import ServiceDefinition, service_cli
from svckit.uow import UniqueViolation

main = service_cli(ServiceDefinition(
    name="assessment",
    app_factory="assessment.entrypoints.api.app:create_app",
    load_runtime=bootstrap,
    migrations="assessment:migrations",
))


def checksum(document: dict) -> str:
    return hashlib.sha256(json.dumps(document, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@main.group(help="The learning content: check a pack, release it.")
def content() -> None:
    pass


def _read(path: Path | None):
    try:
        return read_pack(path)
    except ContentPackInvalid as invalid:
        raise click.ClickException(str(invalid)) from invalid


@content.command("validate", help="Check a content pack against its schemas and rules (no database needed).")
@click.option("--path", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="The pack's directory; by default the pack shipped with the service.")
def validate(path: Path | None) -> None:
    pack = _read(path)
    click.echo(f"content pack valid: {pack.skill_count} skills, {pack.challenge_count} challenges")


@content.command("release", help="Release a content pack as the next version (nothing happens if it is unchanged); "
                                 "its structure is published to the other services.")
@click.option("--path", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="The pack's directory; by default the pack shipped with the service.")
@click.option("--by", "released_by", default=getpass.getuser, show_default="the current user",
              help="Who releases it (kept with the release).")
@click.option("--announce", is_flag=True, help="If the pack is unchanged, publish the current release's structure "
                                                "again (for a service that started consuming since).")
def release(path: Path | None, released_by: str, announce: bool) -> None:
    pack = _read(path)
    runtime = bootstrap()
    try:
        version, created = handlers.release_content(pack.document, checksum(pack.document), released_by,
                                                    runtime.uow(), runtime.now(), announce_if_unchanged=announce)
    except UniqueViolation as clash:
        raise click.ClickException("another release took that version at the same moment: run the command again "
                                   "(it releases nothing if the content is the same)") from clash
    state = "released" if created else "already released, unchanged" + (", announced again" if announce else "")
    click.echo(f"assessment: content version {version} {state} ({pack.skill_count} skills, "
               f"{pack.challenge_count} challenges)")


@main.group(help="The certification items' parameters (IRT).")
def calibration() -> None:
    pass


@calibration.command("fit", help="Fit each challenge's discrimination and difficulty from the answers recorded in "
                                 "campaigns, for the current content release, and write them to a JSON file.")
@click.option("--output", type=click.Path(dir_okay=False, writable=True, path_type=Path), required=True,
              help="The JSON file to write (replaced if it exists).")
@click.option("--min-answers", type=click.IntRange(min=1), default=DEFAULT_MIN_ANSWERS, show_default=True,
              help="Fewer answers to a challenge than this: it keeps the parameters derived from its skill's level.")
def fit_parameters(output: Path, min_answers: int) -> None:
    runtime = bootstrap()
    try:
        content = runtime.content()
        document = fit_item_parameters(first_campaign_answers(runtime.engine), content, runtime.now(),
                                       min_answers=min_answers)
    except ContentNotReleased as missing:
        raise click.ClickException(str(missing)) from missing
    finally:
        runtime.engine.dispose()
    partial = output.with_name(output.name + ".partial")  # never a half-written file under the real name
    partial.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    partial.replace(output)
    counts = document["counts"]
    click.echo(f"assessment: content version {document['content_version']}: {counts['fitted']} of "
               f"{counts['challenges']} challenges fitted from {counts['answers']} answers of {counts['learners']} "
               f"learners ({counts['derived']} keep derived parameters); written to {output}")
