"""The issue-10 objects a route can name: a serious incident and its rapid review, an agency
return, a finding and recommendation with an action and its evidence, a theme, and an audit
programme with a case audit and its finding. Everything belongs to agencies and users the sweep's
users are not (R19: a partner lead of another agency, a team manager who did not record the
incident and an auditor not given the case all get 404)."""

from typing import Any


def learning_world(world: dict[str, Any], make_user: Any) -> dict[str, Any]:
    from safehub.learning.models import Evidence, Finding
    from safehub.learning.tests import factories as f

    incident = f.incident(child=world["person"])
    review = f.review(incident=incident)
    agency_return = f.agency_return(review, agency=f.police())
    finding = Finding.objects.create(review=review, text="Sweep finding.", recorded_by=review.created_by)
    recommendation = f.recommendation(review, finding=finding)
    action = f.action(recommendation, agency=f.health())
    evidence = Evidence.objects.create(
        action=action,
        title="Sweep evidence",
        original_name="sweep.pdf",
        storage_name="sweep-evidence-not-stored",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
        uploaded_by=review.created_by,
    )
    case_audit = f.case_audit(child=world["person"], auditors=(f.learning_partner(f.health()),))
    return {
        "lq_incident": incident,
        "lq_review": review,
        "lq_return": agency_return,
        "lq_finding": finding,
        "lq_recommendation": recommendation,
        "lq_action": action,
        "lq_evidence": evidence,
        "lq_theme": f.theme(),
        "lq_programme": case_audit.programme,
        "lq_case_audit": case_audit,
        "lq_audit_finding": f.audit_finding(case_audit),
        "lq_milestone": review.milestones.create(name="Sweep milestone", due_on=review.due_on),
        "lq_tool": case_audit.programme.tool,
    }
