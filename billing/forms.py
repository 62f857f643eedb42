from django import forms

from billing import selectors
from billing.models import OrderStatus


class OrganisationOrderForm(forms.Form):
    bundle = forms.ModelChoiceField(queryset=selectors.bundle_catalogue(), empty_label=None)
    quantity = forms.IntegerField(
        min_value=1, max_value=200, initial=5, help_text="How many bundles (one per person)."
    )


class SeatAssignForm(forms.Form):
    order = forms.ModelChoiceField(queryset=None, empty_label=None, label="From order")
    member = forms.ModelChoiceField(queryset=None, label="Give one bundle to")

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order"].queryset = organisation.orders.filter(
            status=OrderStatus.PAID
        ).select_related("bundle")
        self.fields["member"].queryset = organisation.members.order_by("last_name", "first_name")
