from django.contrib import admin

from meldpunt.common.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor_label", "verb", "object_type", "object_repr"]
    list_filter = ["actor_kind", "verb"]
    search_fields = ["object_id", "object_repr", "actor_label", "request_id"]
    readonly_fields = [field.name for field in AuditEvent._meta.fields]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
