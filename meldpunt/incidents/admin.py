"""Django admin for superusers' data repair only; staff work in the back office."""

from django.contrib import admin

from meldpunt.incidents.models import (
    Attachment,
    Category,
    InboxAttachment,
    InboxReport,
    Incident,
    Message,
    Phase,
    SavedView,
    Task,
)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name_nl", "name_en", "name_nb", "ordering", "active"]
    list_filter = ["active"]


@admin.register(Phase)
class PhaseAdmin(admin.ModelAdmin):
    list_display = ["name_nl", "code", "ordering", "is_initial", "is_closed", "active"]


class MessageInline(admin.StackedInline):
    model = Message
    extra = 0
    raw_id_fields = ["author", "inbound_mail"]


class TaskInline(admin.TabularInline):
    model = Task
    extra = 0
    raw_id_fields = ["assignee", "done_by", "created_by"]


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = ["id", "title", "kind", "phase", "is_open", "category", "created_at"]
    list_filter = ["kind", "is_open", "phase", "category", "source"]
    search_fields = ["=id", "title", "contact_name", "contact_email", "household__tenant_number"]
    raw_id_fields = [
        "household",
        "unit",
        "common_area",
        "installation",
        "responsible",
        "handler",
        "created_by",
    ]
    readonly_fields = ["public_id", "search_text", "last_activity_at"]
    inlines = [MessageInline, TaskInline]
    show_full_result_count = False


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["original_name", "incident", "content_type", "size", "visibility"]
    raw_id_fields = ["incident", "message", "uploaded_by"]


@admin.register(SavedView)
class SavedViewAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "query"]
    raw_id_fields = ["user"]


class InboxAttachmentInline(admin.TabularInline):
    model = InboxAttachment
    extra = 0


@admin.register(InboxReport)
class InboxReportAdmin(admin.ModelAdmin):
    list_display = ["subject", "source", "status", "created_at"]
    list_filter = ["source", "status"]
    raw_id_fields = ["unit", "household", "inbound_mail", "incident", "duplicate_of", "category"]
    inlines = [InboxAttachmentInline]
