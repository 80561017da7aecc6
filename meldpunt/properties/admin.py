from django.contrib import admin

from meldpunt.properties.models import (
    BuildingBlock,
    CommonArea,
    Complex,
    Installation,
    OwnerInstruction,
    Unit,
    UnitType,
)


class BuildingBlockInline(admin.TabularInline):
    model = BuildingBlock
    extra = 0


@admin.register(Complex)
class ComplexAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "city", "owner"]
    search_fields = ["code", "name", "city"]
    inlines = [BuildingBlockInline]


@admin.register(UnitType)
class UnitTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "street",
        "house_number",
        "house_number_addition",
        "postcode",
        "city",
        "complex",
        "unit_type",
    ]
    list_filter = ["complex", "unit_type"]
    search_fields = ["code", "street", "postcode", "city"]
    raw_id_fields = ["owner", "building_block"]


@admin.register(CommonArea)
class CommonAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "complex", "building_block"]
    list_filter = ["kind", "complex"]
    filter_horizontal = ["units"]


@admin.register(Installation)
class InstallationAdmin(admin.ModelAdmin):
    list_display = ["name", "asset_type", "unit", "common_area", "installed_on"]
    raw_id_fields = ["unit", "common_area"]


@admin.register(OwnerInstruction)
class OwnerInstructionAdmin(admin.ModelAdmin):
    list_display = ["owner", "report_to_own_manager"]
