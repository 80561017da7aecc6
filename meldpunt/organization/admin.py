from django.contrib import admin

from meldpunt.organization.models import ClosedDay, FeatureToggle, OpeningHours, Organization


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


class ClosedDayInline(admin.TabularInline):
    model = ClosedDay
    extra = 0


class FeatureToggleInline(admin.TabularInline):
    model = FeatureToggle
    extra = 0


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "contact_phone", "contact_email"]
    inlines = [OpeningHoursInline, ClosedDayInline, FeatureToggleInline]
