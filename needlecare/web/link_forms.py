"""The form the next-day check-in link opens."""

from django import forms

SORENESS = [(n, str(n)) for n in range(11)]


class CheckInForm(forms.Form):
    soreness = forms.TypedChoiceField(
        choices=SORENESS,
        coerce=int,
        widget=forms.RadioSelect,
        label="How sore are the areas that were needled, from 0 (not at all) to 10 (the worst "
        "you can imagine)?",
    )
    bruising = forms.BooleanField(required=False, label="I have a bruise where a needle went in")
    dizziness = forms.BooleanField(required=False, label="I have felt dizzy or fainted")
    breathing = forms.BooleanField(
        required=False, label="I am short of breath, or I have pain in my chest"
    )
    other = forms.CharField(
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Anything else you want your therapist to know",
    )
