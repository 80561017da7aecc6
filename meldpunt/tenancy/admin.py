from django.contrib import admin

from meldpunt.tenancy.models import Contract, ContractElement, ContractLine


class ContractLineInline(admin.TabularInline):
    model = ContractLine
    extra = 0


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "household",
        "unit",
        "start_date",
        "end_date",
        "has_service_subscription",
    ]
    search_fields = ["number", "household__tenant_number", "household__name"]
    raw_id_fields = ["household", "unit"]
    inlines = [ContractLineInline]


@admin.register(ContractElement)
class ContractElementAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "cost_code"]
