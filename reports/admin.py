"""Django admin. A superuser sees everything; a bureau admin (staff, role admin, in the
“财政局管理员” group) sees and edits only their own bureau's rows, and the audit log is read-only
for everyone.

Scoping is one mechanism for every model: `ScopedChoices` limits every foreign-key and many-to-many
choice (and every related filter) to the admin's bureau and validates the models' unique
constraints with the bureau included; `BureauScoped` adds the row filter and puts new rows in the
admin's bureau. Everything shown is Chinese: verbose names and choice labels on the models,
locale/ for the strings Django leaves untranslated.
"""

from django.apps import apps
from django.contrib import admin
from django.contrib.admin.templatetags import admin_list
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms.models import InlineForeignKeyField
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.text import capfirst

from .core.kinds import fill
from .models import (
    AuditLog,
    Bureau,
    Deadline,
    Department,
    Export,
    Membership,
    Metric,
    Phrase,
    Report,
    ReportKind,
    SensitiveTerm,
)
from .selectors import members as member_selectors
from .services import audit as audit_services
from .services import members as member_services
from .services import proofread as proofread_services

User = get_user_model()


def _boolean_icon(value) -> str:
    """Django's yes/no icon with a Chinese alt text (Django writes alt="True"/"False" untranslated).

    Django looks the function up on this module each time it draws a boolean, in lists and in
    read-only fields alike, so replacing it here covers the whole admin.
    """
    icon, label = {True: ("yes", "是"), False: ("no", "否"), None: ("unknown", "未知")}[value]
    return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{icon}.svg"), label)


admin_list._boolean_icon = _boolean_icon


def _bureau_id(request) -> int | None:
    membership = member_selectors.membership_for(request.user)
    return membership.bureau_id if membership else None


def _has_bureau(model) -> bool:
    return any(f.name == "bureau" for f in model._meta.fields)


class BureauConstraintsForm:
    """Form mixin: the model's unique constraints are checked with the bureau, which is not on the form.

    Django leaves a constraint unchecked when one of its fields is not edited on the form (the bureau
    that the admin sets, or the parent of an inline), so a duplicate 科室 / 指标 / 敏感词 / 截止日期
    reached the database and answered HTTP 500. Here the bureau is set on the instance first and the
    constraints are validated with it: the user gets the constraint's Chinese message on the form.
    """

    bureau_id: int | None = None  # the bureau new rows go to (None: the form has a bureau field)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.bureau_id is not None and self.instance.bureau_id is None:
            self.instance.bureau_id = self.bureau_id

    def validate_unique(self):
        super().validate_unique()
        # _get_validation_exclusions: Django's own list of what full_clean skipped (fields not on the
        # form, fields with errors); constraints over the bureau were skipped with it.
        exclude = self._get_validation_exclusions()
        skipped = "bureau" in exclude or isinstance(self.fields.get("bureau"), InlineForeignKeyField)
        if skipped and self.instance.bureau_id is not None:
            try:
                self.instance.validate_constraints(exclude=exclude - {"bureau"})
            except ValidationError as error:
                self._update_errors(error)


def _with_bureau_constraints(form, bureau_id: int | None):
    return type(form.__name__, (BureauConstraintsForm, form), {"bureau_id": bureau_id})


class ScopedChoices:
    """Mixin for model admins and inlines: for non-superusers, every related choice comes from their own
    bureau (users: its members, and people not yet in any bureau, who are the ones to add), and
    the bureau's unique constraints are validated on the form."""

    def _scoped(self, related_model, request):
        bureau_id = _bureau_id(request)
        if related_model is Department:
            return Department.objects.filter(bureau_id=bureau_id)
        if related_model is Bureau:
            return Bureau.objects.filter(pk=bureau_id)
        if related_model is Report:
            return Report.objects.filter(bureau_id=bureau_id)
        if related_model is User:
            return User.objects.filter(
                Q(membership__bureau_id=bureau_id) | Q(membership__isnull=True), is_superuser=False
            )
        return None

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not request.user.is_superuser:
            queryset = self._scoped(db_field.related_model, request)
            if queryset is not None:
                kwargs["queryset"] = queryset
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if not request.user.is_superuser:
            queryset = self._scoped(db_field.related_model, request)
            if queryset is not None:
                kwargs["queryset"] = queryset
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_form(self, request, obj=None, **kwargs):  # ModelAdmin
        form = super().get_form(request, obj, **kwargs)
        if not _has_bureau(self.model):
            return form
        return _with_bureau_constraints(form, None if request.user.is_superuser else _bureau_id(request))

    def get_formset(self, request, obj=None, **kwargs):  # InlineModelAdmin
        if _has_bureau(self.model):
            kwargs["form"] = _with_bureau_constraints(kwargs.get("form", self.form), None)
        return super().get_formset(request, obj, **kwargs)


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
        if request.user.is_superuser:
            return filters
        # A related filter lists only values found in the admin's own rows, never another bureau's.
        return [
            (f, admin.RelatedOnlyFieldListFilter) if isinstance(f, str) and self._is_relation(f) else f
            for f in filters
            if f != "bureau"
        ]

    def _is_relation(self, name: str) -> bool:
        field = self.model._meta.get_field(name) if "__" not in name else None
        return bool(field and field.is_relation)

    def get_deleted_objects(self, objs, request):
        """Django's list of what a delete takes along, without the rows of many-to-many link tables
        (“Membership_supervises object (3)”): they are no thing of their own to a user."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        links = [m._meta for m in apps.get_models(include_auto_created=True) if m._meta.auto_created]
        prefixes = tuple(f"{capfirst(meta.verbose_name)}: " for meta in links)

        def keep(items):
            return [keep(i) if isinstance(i, list) else i for i in items if not str(i).startswith(prefixes)]

        counts = {name: n for name, n in counts.items() if name not in {m.verbose_name_plural for m in links}}
        return keep(deleted), counts, perms_needed, protected

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or [])
        if not request.user.is_superuser and self.bureau_path == "bureau":
            exclude.append("bureau")
        return exclude


class DepartmentInline(ScopedChoices, admin.TabularInline):
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

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            proofread_services.phrases_seed(bureau=obj)  # a new bureau starts with the 提法 list


@admin.register(Department)
class DepartmentAdmin(BureauScoped, admin.ModelAdmin):
    list_display = ["name", "bureau"]
    list_filter = ["bureau"]


@admin.register(Membership)
class MembershipAdmin(BureauScoped, admin.ModelAdmin):
    list_display = ["user", "bureau", "department", "role"]
    list_filter = ["bureau", "role", "department"]
    filter_horizontal = ["supervises"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _membership_saved(request, obj)


@admin.register(ReportKind)
class ReportKindAdmin(admin.ModelAdmin):
    """Kinds are shared by all bureaus (data files in templates_docx/kinds): only a superuser edits."""

    list_display = ["name", "is_active"]
    fields = ["name", "is_active", "outline"]
    readonly_fields = ["outline"]

    @admin.display(description="章节")
    def outline(self, kind) -> str:
        """The kind's sections, read from its definition (the JSON itself is for the program)."""
        titles = [s.get("title", "") for s in kind.definition.get("sections", [])]
        return "；".join(fill(t, year="本", next_year="下一", subject="") for t in titles if t) or "—"

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
    list_display = ["file_name", "report", "masked", "status", "progress", "created_at", "finished_at"]
    list_display_links = ["file_name", "report"]
    list_filter = ["status", "masked"]
    exclude = ["content", "snapshot", "options"]  # machine data: the file name says how it was masked
    readonly_fields = [
        "report",
        "requested_by",
        "masked",
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
    member_services.membership_sync_staff(membership)
    audit_services.audit(
        bureau_id=membership.bureau_id,
        actor=request.user,
        action="permission",
        summary=f"{membership.user}：{membership.get_role_display()}，{membership.department or '无科室'}",
        detail={"membership": membership.pk, "role": membership.role},
    )


@admin.action(description="解除登录锁定", permissions=["change"])
def unlock_login(modeladmin, request, queryset) -> None:
    """Clears the login failures (django-axes) of the chosen users, so a locked-out user can log in
    at once; recorded in the audit log. A locked address: `manage.py axes_reset_ip ADDRESS`."""
    from axes.utils import reset as axes_reset

    for user in queryset.select_related("membership"):
        cleared = axes_reset(username=user.get_username())
        membership = getattr(user, "membership", None)
        if membership is not None:
            audit_services.audit(
                bureau_id=membership.bureau_id,
                actor=request.user,
                action="permission",
                summary=f"解除登录锁定：{user}（清除 {cleared} 条登录失败记录）",
                detail={"user": user.pk, "unlock_login": cleared},
            )
    modeladmin.message_user(request, f"已解除 {queryset.count()} 个用户的登录锁定，他们现在可以重新登录。")


class BureauUserAdmin(BureauScoped, UserAdmin):
    bureau_path = "membership__bureau"
    inlines = [MembershipInline]
    actions = [unlock_login]
    list_display = ["username", "first_name", "bureau", "role", "is_active"]
    list_select_related = ["membership__bureau"]

    @admin.display(description="财政局", ordering="membership__bureau__name")
    def bureau(self, user) -> str:
        membership = getattr(user, "membership", None)
        return membership.bureau.name if membership else "—"

    @admin.display(description="角色", ordering="membership__role")
    def role(self, user) -> str:
        membership = getattr(user, "membership", None)
        return membership.get_role_display() if membership else "—"

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


admin.site.unregister(User)
admin.site.register(User, BureauUserAdmin)


@admin.register(SensitiveTerm)
class SensitiveTermAdmin(BureauScoped, admin.ModelAdmin):
    list_display = ["term", "bureau"]
    list_filter = ["bureau"]
    search_fields = ["term"]


@admin.action(description="停用所选规范表述", permissions=["change"])
def disable_phrases(modeladmin, request, queryset) -> None:
    queryset.update(enabled=False)


@admin.action(description="启用所选规范表述", permissions=["change"])
def enable_phrases(modeladmin, request, queryset) -> None:
    queryset.update(enabled=True)


@admin.register(Phrase)
class PhraseAdmin(BureauScoped, admin.ModelAdmin):
    """The bureau's 提法 list: checked by proofreading while enabled; disabled rather than deleted."""

    list_display = ["discouraged", "preferred", "note", "enabled", "bureau"]
    list_filter = ["bureau", "enabled"]
    list_editable = ["enabled"]
    search_fields = ["discouraged", "preferred", "note"]
    actions = [disable_phrases, enable_phrases]


@admin.register(Metric)
class MetricAdmin(BureauScoped, admin.ModelAdmin):
    list_display = ["name", "bureau", "year", "period", "value", "unit", "status", "updated_at"]
    list_filter = ["bureau", "year", "status"]
    search_fields = ["name"]
    readonly_fields = ["version", "updated_by"]


@admin.register(Deadline)
class DeadlineAdmin(BureauScoped, admin.ModelAdmin):
    list_display = ["kind", "year", "due_date", "bureau"]
    list_filter = ["bureau", "year", "kind"]


@admin.register(AuditLog)
class AuditLogAdmin(BureauScoped, admin.ModelAdmin):
    """Read-only: nothing in the audit log can be edited from the UI."""

    list_display = ["created_at", "actor_shown", "action", "report", "summary", "ip"]
    list_filter = ["bureau", "action", "actor_username"]
    search_fields = ["summary", "actor_name", "actor_username"]
    # detail: ids and versions for the machine; the summary is the record people read.
    # actor: the live account (its name may have changed since); the row shows the name it recorded.
    exclude = ["detail", "actor"]

    @admin.display(description="操作人", ordering="actor_name")
    def actor_shown(self, obj):
        return obj.actor_display

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
