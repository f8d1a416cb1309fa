"""The team of an organization in the Orga face: the admin invites two colleagues, sends one
invitation again too soon, cancels the other; the colleague opens the mail's link, creates an
account, confirms the address from identity's mail, comes back to the invitation, joins and
accepts the terms; the admin promotes then removes them, and cannot demote the last admin."""

from __future__ import annotations

import re

from accessibility import assert_accessible
from journeys import mail_link, platform_admin
from orga_steps import (
    create_organization,
    invitation_to,
    join_by_invitation,
    log_in_page,
    random_uai,
    unique_email,
)
from playwright.sync_api import expect

FR = {"email": "Adresse e-mail", "password": "Mot de passe"}
# On purpose: a resend too soon (429), the last admin demoted (422); and the "not yet" (403) of a
# service that has not heard of the new member's terms a moment after they accepted them.
EXPECTED = (r"status of 429 \(TOO MANY REQUESTS\)", r"status of 422 \(UNPROCESSABLE ENTITY\)",
            r"status of 403 \(FORBIDDEN\)")


def test_an_admin_invites_a_colleague_who_joins_then_changes_their_role_and_removes_them(
        stack, open_page, shot):
    school = "Lycée Victor Hugo"
    admin_email, colleague, other = unique_email("proviseure"), unique_email("prof"), unique_email("cpe")
    organization_id = create_organization(stack, platform_admin(stack), school, admin_email,
                                          external_id=random_uai(), manages_students=False)
    join_by_invitation(stack, organization_id, admin_email, "Dominique", "Proviseure", accept_terms=True)

    admin = open_page(allowed=EXPECTED)
    admin.goto("/orga/equipe")
    log_in_page(admin, admin_email, FR)
    expect(admin.get_by_role("heading", level=1)).to_have_text("Équipe")
    expect(admin.get_by_role("heading", name="1 membre")).to_be_visible()

    # Two e-mails at once, one per line or after a comma.
    admin.get_by_label("Adresses e-mail").fill(f"{colleague},\n{other}")
    admin.get_by_role("button", name="Inviter", exact=True).click()
    expect(admin.get_by_text(f"Invitation envoyée à {colleague}.")).to_be_visible()
    expect(admin.get_by_text(f"Invitation envoyée à {other}.")).to_be_visible()
    pending = admin.get_by_role("region", name="Invitations en attente").first
    expect(pending.get_by_role("row")).to_have_count(3)

    admin.get_by_role("button", name=f"Renvoyer {other}").click()
    expect(admin.get_by_role("alert")).to_contain_text("vient d'être envoyée")
    admin.get_by_role("button", name=f"Annuler {other}").click()
    dialog = admin.get_by_role("dialog", name="Annuler cette invitation ?")
    expect(dialog).to_contain_text(other)
    dialog.get_by_role("button", name="Annuler l'invitation").click()
    expect(dialog).to_be_hidden()
    expect(admin.get_by_role("status").filter(has_text=f"Invitation à {other} annulée.")).to_be_visible()
    expect(pending.get_by_role("row")).to_have_count(2)
    assert_accessible(admin, "team")
    shot(admin, "orga-team-fr")

    # The colleague follows the mail's link, creates an account, joins, accepts the terms.
    invitation_id, code = invitation_to(stack, colleague, school)
    newcomer = open_page(allowed=EXPECTED)
    newcomer.goto(f"/orga/rejoindre?invitationId={invitation_id}&code={code}")
    expect(newcomer.get_by_text(f"{school} vous invite à rejoindre son espace Orga en tant que Membre")).to_be_visible()
    newcomer.get_by_role("button", name="Je n'ai pas de compte").click()
    newcomer.get_by_label("Prénom").fill("Sacha")
    newcomer.get_by_role("textbox", name=re.compile(r"^Nom ")).fill("Professeur")
    expect(newcomer.get_by_label("Adresse e-mail")).to_have_value(colleague)
    newcomer.get_by_label("Mot de passe").fill("Blue-Sky-2026!")
    newcomer.get_by_role("checkbox", name="J'accepte les conditions d'utilisation de la plateforme.").check()
    assert_accessible(newcomer, "join")
    shot(newcomer, "orga-join-fr")
    newcomer.get_by_role("button", name="Je crée mon compte").click()
    expect(newcomer.get_by_role("region", name="Confirmez votre adresse e-mail")).to_contain_text(colleague)
    newcomer.goto(mail_link(stack, colleague, "/verification-email#token="))  # the mail's link, in this tab
    expect(newcomer.get_by_role("status")).to_have_text(f"Votre adresse {colleague} est confirmée.")
    newcomer.get_by_role("link", name="Revenir à mon invitation").click()
    newcomer.get_by_role("button", name=f"Rejoindre {school}").click()
    expect(newcomer).to_have_url(re.compile(r"/orga/cgu"), timeout=30_000)
    newcomer.get_by_role("button", name="J'accepte").click()
    expect(newcomer.get_by_role("heading", level=1)).to_have_text("Campagnes")
    nav = newcomer.get_by_role("navigation", name="Menu principal")
    expect(nav.get_by_role("link", name="Campagnes")).to_be_visible()
    expect(nav.get_by_role("link", name="Équipe")).to_have_count(0)  # members do not manage the team
    # Leaving the page would cut its requests on their way (retried while campaigns hears of the terms).
    expect(newcomer.get_by_text("Aucune campagne pour l'instant")).to_be_visible(timeout=30_000)
    newcomer.wait_for_load_state("networkidle")
    newcomer.goto("/orga/equipe")
    expect(newcomer.get_by_role("heading", level=1)).to_have_text("Réservé aux administrateurs")

    # The admin sees the new member, makes them admin, then removes them.
    admin.wait_for_load_state("networkidle")
    admin.reload()
    expect(admin.get_by_role("heading", name="2 membres")).to_be_visible(timeout=20_000)
    admin.get_by_label("Rôle de Sacha Professeur").select_option("ADMIN")
    expect(admin.get_by_role("status").filter(has_text="Sacha Professeur est maintenant Administrateur.")).to_be_visible()
    admin.get_by_role("button", name="Retirer Sacha Professeur").click()
    dialog = admin.get_by_role("dialog", name="Retirer ce membre ?")
    dialog.get_by_role("button", name="Retirer de l'organisation").click()
    expect(admin.get_by_role("status").filter(has_text="Sacha Professeur a été retiré(e)")).to_be_visible()
    expect(admin.get_by_role("heading", name="1 membre")).to_be_visible()

    # The last admin cannot step down: the page says why, and the role stays.
    admin.get_by_label("Rôle de Dominique Proviseure").select_option("MEMBER")
    expect(admin.get_by_role("alert")).to_contain_text("au moins un administrateur")
    expect(admin.get_by_label("Rôle de Dominique Proviseure")).to_have_value("ADMIN")
