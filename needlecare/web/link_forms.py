"""The form the next-day check-in link opens."""

from django import forms
from django.utils.translation import gettext_lazy as _

SORENESS = [(n, str(n)) for n in range(11)]


class CheckInForm(forms.Form):
    soreness = forms.TypedChoiceField(
        choices=SORENESS,
        coerce=int,
        widget=forms.RadioSelect,
        label=_(
            "How sore are the areas that were needled, from 0 (not at all) to 10 (the worst "
            "you can imagine)?"
        ),
    )
    bruising = forms.BooleanField(required=False, label=_("I have a bruise where a needle went in"))
    dizziness = forms.BooleanField(required=False, label=_("I have felt dizzy or fainted"))
    breathing = forms.BooleanField(
        required=False, label=_("I am short of breath, or I have pain in my chest")
    )
    other = forms.CharField(
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Anything else you want your therapist to know"),
    )
