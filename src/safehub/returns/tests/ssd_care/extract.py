"""A small synthetic SSD extract of children in care: one child who came into care, moved and went
home (a closed period), and one still in care (an open period)."""

from safehub.returns.ssd.base import Row


def episode(
    cla: str,
    n: int,
    person: str,
    start: str,
    rne: str,
    ceased: str,
    reason: str,
    placement: str,
    entered: str,
    need: str = "N1",
) -> Row:
    return {
        "clae_cla_episode_id": f"{cla}-{n}", "clae_person_id": person, "clae_cla_episode_start_date": start,
        "clae_cla_episode_start_reason": rne, "clae_cla_primary_need_code": need,
        "clae_cla_episode_ceased_date": ceased, "clae_cla_episode_ceased_reason": reason, "clae_cla_id": cla,
        "clae_referral_id": "", "clae_cla_placement_id": placement, "clae_entered_care_date": entered,
        "clae_cla_last_iro_contact_date": "",
    }  # fmt: skip


def legal(lid: str, person: str, code: str, start: str, end: str) -> Row:
    return {
        "lega_legal_status_id": lid, "lega_person_id": person, "lega_legal_status": code,
        "lega_legal_status_start_date": start, "lega_legal_status_end_date": end,
    }  # fmt: skip


def placement(
    pid: str,
    cla: str,
    person: str,
    kind: str,
    provider: str,
    start: str,
    end: str,
    reason: str = "",
    postcode: str = "LS1 4AP",
    urn: str = "SC123456",
    distance: str = "3.5",
) -> Row:
    return {
        "clap_cla_placement_id": pid, "clap_cla_placement_start_date": start, "clap_cla_placement_type": kind,
        "clap_cla_placement_urn": urn, "clap_cla_placement_distance": distance, "clap_cla_id": cla,
        "clap_cla_placement_provider": provider, "clap_cla_placement_postcode": postcode,
        "clap_cla_placement_end_date": end, "clap_cla_placement_change_reason": reason, "clap_person_id": person,
    }  # fmt: skip


def extract() -> dict[str, list[Row]]:
    return {
        "ssd_cla_episodes": [
            episode("CLA1", 1, "P1", "2020-01-10", "S", "2020-06-01", "X1", "PL1", "2020-01-10"),
            episode("CLA1", 2, "P1", "2020-06-01", "P", "2021-03-01", "X1", "PL2", "2020-01-10"),
            episode("CLA1", 3, "P1", "2021-03-01", "L", "2022-02-01", "E4A", "PL2", "2020-01-10"),
            episode("CLA2", 1, "P2", "2023-04-01", "S", "", "", "PL3", "2023-04-01", need="N2"),
        ],
        "ssd_legal_status": [
            legal("LS1", "P1", "C1", "2020-01-10", "2021-03-01"),
            legal("LS2", "P1", "C2", "2021-03-01", "2022-02-01"),
            legal("LS3", "P2", "V2", "2023-04-01", ""),
        ],
        "ssd_cla_placement": [
            placement("PL1", "CLA1", "P1", "U4", "PR1", "2020-01-10", "2020-06-01", "CARPL"),
            placement("PL2", "CLA1", "P1", "U6", "PR2", "2020-06-01", "2022-02-01"),
            placement(
                "PL3", "CLA2", "P2", "U3", "PR1", "2023-04-01", "", postcode="BD1 1AA", distance="12.0"
            ),
        ],
    }
