"""What casework registers with the layers below it (called from AppConfig.ready)."""


def register_all() -> None:
    from safehub.access.policies import register

    from .policies import document_policy, involvement_policy

    register(involvement_policy)
    register(document_policy)

    # Who works with a child (people's alerts), and the significant notes in the chronology.
    from . import sources

    sources.register_sources()
