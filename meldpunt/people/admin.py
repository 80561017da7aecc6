from django.contrib import admin

from meldpunt.people.models import Contact, Household, HouseholdRole, Person


class PersonInline(admin.TabularInline):
    model = Person
    extra = 0


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ["tenant_number", "name", "email", "phone", "city"]
    search_fields = ["tenant_number", "name", "email", "phone"]
    inlines = [PersonInline]


@admin.register(HouseholdRole)
class HouseholdRoleAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "show_in_portal", "usable_in_portal", "ordering"]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "company", "email", "phone", "preferred_channel"]
    list_filter = ["kind", "trade", "preferred_channel"]
    search_fields = ["name", "company", "email", "phone"]
    raw_id_fields = ["household"]
