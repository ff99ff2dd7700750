from django import forms
from django.utils.translation import gettext_lazy as _

from backend.accounts.rut import ERROR_INVALID_RUT
from backend.accounts.services import ERROR_RUT_TAKEN, ERROR_USERNAME_TAKEN

ERROR_PASSWORDS_DIFFER = _("The two passwords differ.")
# The accounts service speaks English; the page shows its errors in the visitor's language.
SERVICE_ERRORS = {
    ERROR_USERNAME_TAKEN: _("That username is already registered."),
    ERROR_RUT_TAKEN: _("That RUT is already registered."),
    ERROR_INVALID_RUT: _("Enter a valid RUT, e.g. 12.345.678-5 (the check digit does not match)."),
}


class NeighborRegisterForm(forms.Form):
    username = forms.RegexField(
        label=_("Username"),
        regex=r"^[\w.@+-]{3,150}$",
        max_length=150,
        help_text=_("3 to 150 letters, digits and @ . + - _"),
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    first_name = forms.CharField(
        label=_("First name"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    email = forms.EmailField(label=_("Email"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        required=False,
        help_text=_("So dispatch can call you back about your alerts."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    rut = forms.CharField(label=_("RUT (optional)"), max_length=16, required=False)
    password = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password_again = forms.CharField(
        label=_("Password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", ERROR_PASSWORDS_DIFFER)
        return data

    def add_service_error(self, field: str | None, message: str) -> None:
        self.add_error(field if field in self.fields else None, SERVICE_ERRORS.get(message, message))

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        fields = ("username", "password", "email", "first_name", "last_name", "phone")
        return {**{name: data[name] for name in fields}, "rut": data["rut"] or None}
