from ninja import Schema


class Message(Schema):
    """Every refusal the API gives: one sentence a person can act on."""

    detail: str
