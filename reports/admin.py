"""Django admin. A superuser sees everything; a bureau admin (staff, role admin, in the
“财政局管理员” group) sees and edits only their own bureau's rows, and the audit log is read-only
for everyone."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from . import selectors
from .models import (
    AuditLog,
    Bureau,
    Deadline,
    Department,
    Export,
    Membership,
    Metric,
    Report,
    ReportKind,
    SensitiveTerm,
)
from .services.audit import audit, membership_sync_staff


def _bureau_id(request) -> int | None:
    membership = selectors.membership_for(request.user)
    return membership.bureau_id if membership else None


class ScopedChoices:
    """Mixin: for non-superusers, foreign-key and many-to-many choices come from their own bureau."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not request.user.is_superuser:
            bureau_id = _bureau_id(request)
            if db_field.related_model is Department:
                kwargs["queryset"] = Department.objects.filter(bureau_id=bureau_id)
            elif db_field.related_model is Bureau:
                kwargs["queryset"] = Bureau.objects.filter(pk=bureau_id)
            elif db_field.related_model is Report:
                kwargs["queryset"] = Report.objects.filter(bureau_id=bureau_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if not request.user.is_superuser and db_field.related_model is Department:
            kwargs["queryset"] = Department.objects.filter(bureau_id=_bureau_id(request))
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class BureauScoped(ScopedChoices):
    """Mixin: non-superusers see rows of their own bureau only; new rows are put in it."""

    bureau_path = "bureau"  # lookup from the model to Bureau's id

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(
            **{f"{self.bureau_path}_id" if self.bureau_path != "pk" else "pk": _bureau_id(request)}
        )

    def get_list_filter(self, request):
        filters = list(super().get_list_filter(request))
        return filters if request.user.is_superuser else [f for f in filters if f != "bureau"]

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or [])
        if not request.user.is_superuser and self.bureau_path == "bureau":
            exclude.append("bureau")
        return exclude

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser and self.bureau_path == "bureau" and not change:
            obj.bureau_id = _bureau_id(request)
        super().save_model(request, obj, form, change)


class DepartmentInline(admin.TabularInline):
    model = Department
    extra = 0


@admin.register(Bureau)
class BureauAdmin(BureauScoped, admin.ModelAdmin):
    bureau_path = "pk"
    list_display = ["name"]
    inlines = [DepartmentInline]

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Department)
class DepartmentAdmin(BureauScoped, admin.ModelAdmin):
    list_display = ["name", "bureau"]
    list_filter = ["bureau"]


@admin.register(Membership)
class MembershipAdmin(BureauScoped, admin.ModelAdmin):
    list_display = ["user", "bureau", "department", "role"]
    list_filter = ["bureau", "role"]
    filter_horizontal = ["supervises"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _membership_saved(request, obj)


@admin.register(ReportKind)
class ReportKindAdmin(admin.ModelAdmin):
    """Kinds are shared by all bureaus (data files in templates_docx/kinds): only a superuser edits."""

    list_display = ["code", "name", "is_active"]
    readonly_fields = ["code"]

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Report)
class ReportAdmin(BureauScoped, admin.ModelAdmin):
    list_display = ["title", "bureau", "kind", "year", "status", "updated_at"]
    list_filter = ["bureau", "kind", "status", "year"]
    readonly_fields = [
        "status",
        "approved_revision",
        "head_version",
        "tail_version",
        "created_by",
        "created_at",
        "updated_at",
    ]

    def has_add_permission(self, request):
        return False  # reports are created and changed through the app, where the workflow applies

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Export)
class ExportAdmin(BureauScoped, admin.ModelAdmin):
    bureau_path = "report__bureau"
    list_display = ["id", "report", "status", "progress", "created_at", "finished_at"]
    list_filter = ["status"]
    exclude = ["content", "snapshot"]
    readonly_fields = [
        "report",
        "requested_by",
        "status",
        "progress",
        "error",
        "file_name",
        "attempts",
        "started_at",
        "finished_at",
    ]

    def has_add_permission(self, request):
        return False


class MembershipInline(ScopedChoices, admin.StackedInline):
    model = Membership
    can_delete = False
    filter_horizontal = ["supervises"]
    verbose_name = verbose_name_plural = "所属财政局、科室与角色"


def _membership_saved(request, membership: Membership) -> None:
    membership_sync_staff(membership)
    audit(
        bureau_id=membership.bureau_id,
        actor=request.user,
        action="permission",
        summary=f"{membership.user}：{membership.get_role_display()}，{membership.department or '无科室'}",
        detail={"membership": membership.pk, "role": membership.role},
    )


class BureauUserAdmin(BureauScoped, UserAdmin):
    bureau_path = "membership__bureau"
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "membership__bureau", "membership__role", "is_active"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        # A bureau admin manages names, passwords and activity, not Django's global permissions.
        return [(name, opts) for name, opts in fieldsets if "is_superuser" not in opts.get("fields", ())]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        membership = Membership.objects.filter(user=form.instance).first()
        if membership is not None:
            _membership_saved(request, membership)


User = get_user_model()
admin.site.unregister(User)
admin.site.register(User, BureauUserAdmin)


@admin.register(SensitiveTerm)
class SensitiveTermAdmin(BureauScoped, admin.ModelAdmin):
    list_display = ["term", "bureau"]
    list_filter = ["bureau"]
    search_fields = ["term"]


@admin.register(Metric)
class MetricAdmin(BureauScoped, admin.ModelAdmin):
    list_display = ["name", "bureau", "year", "period", "value", "unit", "status", "updated_at"]
    list_filter = ["bureau", "year", "status"]
    search_fields = ["name"]


@admin.register(Deadline)
class DeadlineAdmin(BureauScoped, admin.ModelAdmin):
    list_display = ["kind", "year", "due_date", "bureau"]
    list_filter = ["bureau", "year", "kind"]


@admin.register(AuditLog)
class AuditLogAdmin(BureauScoped, admin.ModelAdmin):
    """Read-only: nothing in the audit log can be edited from the UI."""

    list_display = ["created_at", "actor", "action", "report", "summary", "ip"]
    list_filter = ["bureau", "action"]
    search_fields = ["summary"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
