"""Pydantic models of the study-record exchange format, versions 1 and 1.1 (``shared/eval/FORMAT.md``).

Every field keeps the name, type and meaning of the format; the project adds
evidence spans (``evidence`` on values and ``field_evidence`` on the record) and
a ``provenance`` block. ``extra="forbid"`` everywhere, so a misspelt key in a
curated entry is an error rather than silently dropped data.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

DesignType = Literal[
    "rct",
    "non_randomized_controlled",
    "single_arm",
    "case_series",
    "case_report",
    "cohort",
    "case_control",
    "cross_sectional",
    "meta_analysis",
    "systematic_review",
    "narrative_review",
    "preclinical",
    "other",
]
Blinding = Literal["open_label", "single", "double", "triple"]
Phase = Literal["I", "I/II", "II", "II/III", "III", "IV"]
CellType = Literal["msc", "hsc", "mnc", "stem_cell_unspecified", "other"]
CellSource = Literal[
    "bone_marrow",
    "umbilical_cord",
    "wharton_jelly",
    "umbilical_cord_blood",
    "adipose",
    "placenta",
    "amnion",
    "menstrual_blood",
    "dental_pulp",
    "peripheral_blood",
    "other",
]
Donor = Literal["allogeneic", "autologous", "both"]
Route = Literal[
    "intravenous",
    "intra_arterial",
    "intrathecal",
    "intra_articular",
    "intramuscular",
    "subcutaneous",
    "intraportal",
    "intralesional",
    "topical",
    "other",
]
Kind = Literal["level", "change"]
Statistic = Literal[
    "mean_sd",
    "mean_se",
    "mean_ci",
    "mean",
    "median_iqr",
    "median_range",
    "median",
    "percent",
    "count",
    "odds_ratio",
    "risk_ratio",
    "hazard_ratio",
    "mean_difference",
    "std_mean_difference",
    "risk_difference",
]
POp = Literal["<", "=", ">", "<=", ">="]
Source = Literal["extracted", "curated"]

#: Statistics whose ``spread`` must be present.
SPREAD_STATISTICS = frozenset({"mean_sd", "mean_se"})
#: Statistics of the mean family, as the scorers group them.
MEAN_STATISTICS = frozenset({"mean_sd", "mean_se", "mean_ci", "mean"})
#: Effect estimates that compare groups (format 1.1): never a mean; their CI goes in ``low``/``high``.
EFFECT_STATISTICS = frozenset(
    {"odds_ratio", "risk_ratio", "hazard_ratio", "mean_difference", "std_mean_difference", "risk_difference"}
)
#: Exchange-format versions this project reads; it writes the newest.
SCHEMA_VERSIONS = ("1", "1.1")


class Strict(BaseModel):
    """Base: unknown keys are errors; assignment is validated."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Evidence(Strict):
    """Where a value was read: ``text[start:end] == quote`` in the stored document text."""

    start: int = Field(ge=0, description="Character offset of the first character (inclusive).")
    end: int = Field(ge=0, description="Character offset after the last character (exclusive).")
    quote: str = Field(description="The source text between start and end, verbatim.")
    rule: str | None = Field(default=None, description="Id of the rule that produced the value.")


class FieldEvidence(Evidence):
    """Evidence for a record field other than an outcome value."""

    field: str = Field(description="Dotted path of the field, e.g. 'population.sample_size'.")


class Document(Strict):
    """Bibliographic metadata of the source document."""

    id: str = Field(description="'doi:...', 'pmid:...' or 'sha256:...' of the source bytes.")
    source_file: str = Field(description="Path relative to the folder given; 'FILE#N' for record N of a file.")
    title: str | None = None
    vernacular_title: str | None = Field(default=None, description="Title in the original language.")
    authors: list[str] = Field(default_factory=list)
    journal: str | None = None
    year: int | None = Field(default=None, ge=1800, le=2100)
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    doi: str | None = Field(default=None, description="Lower-case, no URL prefix.")
    pmid: str | None = None
    language: str | None = Field(default=None, description="Language of the article, as stated.")
    country: str | None = None
    publication_types: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)


class FollowUp(Strict):
    """Follow-up duration, in days (day 1, week 7, month 30, year 365)."""

    min_days: float | None = Field(default=None, ge=0)
    max_days: float | None = Field(default=None, ge=0)
    text: str | None = Field(default=None, description="The phrase as written.")


class Design(Strict):
    """Study design."""

    type: DesignType | None = Field(default=None, description="See DESIGN TYPES in FORMAT.md.")
    randomized: bool | None = None
    controlled: bool | None = Field(default=None, description="A concurrent control or comparison group exists.")
    blinding: Blinding | None = None
    phase: Phase | None = None
    retrospective: bool | None = None
    multicenter: bool | None = None
    statistical_tests: list[str] = Field(default_factory=list, description="As named in the text, lower case.")
    follow_up: FollowUp | None = None


class Arm(Strict):
    """One study group with its own number of participants."""

    label: str
    n: int | None = Field(default=None, ge=0)


class Population(Strict):
    """Who was studied."""

    conditions: list[str] = Field(default_factory=list, description="Lower case, abbreviations expanded.")
    sample_size: int | None = Field(default=None, ge=0, description="Enrolled or treated; see SAMPLE SIZE.")
    arms: list[Arm] = Field(default_factory=list)


class Dose(Strict):
    """One dose level; a stated range gives both ends as two doses."""

    value: float = Field(gt=0)
    unit: str = Field(description="'cells/kg' or 'cells'.")


class Intervention(Strict):
    """The cell therapy given."""

    cell_types: list[CellType] = Field(default_factory=list)
    cell_sources: list[CellSource] = Field(default_factory=list)
    donor: Donor | None = None
    routes: list[Route] = Field(default_factory=list)
    doses: list[Dose] = Field(default_factory=list)
    infusions: int | None = Field(default=None, ge=1, description="Administrations per patient.")


class PValue(Strict):
    """A reported p-value with its comparison operator."""

    op: POp
    value: float = Field(ge=0, le=1)


class OutcomeValue(Strict):
    """One number the text reports for an outcome measure."""

    group: str | None = Field(default=None, description="Arm label as in the text; null for one group.")
    timepoint: str | None = Field(default=None, description="As written: 'baseline', '1 week', '12 months'.")
    days: float | None = Field(default=None, description="The timepoint in days; baseline is 0.")
    kind: Kind = "level"
    statistic: Statistic
    value: float
    spread: float | None = Field(default=None, description="SD or SE.")
    low: float | None = Field(default=None, description="Lower end of an interval (CI, IQR, range).")
    high: float | None = Field(default=None, description="Upper end of an interval (CI, IQR, range).")
    n: int | None = Field(default=None, ge=0, description="Participants the value is based on.")
    p: PValue | None = None
    evidence: Evidence | None = Field(default=None, description="Span of the number in the text (project extension).")


class Outcome(Strict):
    """An outcome measure with every number reported for it."""

    measure: str
    aliases: list[str] = Field(default_factory=list)
    unit: str | None = None
    values: list[OutcomeValue] = Field(default_factory=list)


class Provenance(Strict):
    """Who or what produced the record (project extension)."""

    source: Source = "extracted"
    extractor_version: str | None = None
    curated_by: str | None = None
    curated_at: str | None = None


class StudyRecord(Strict):
    """One source document's record in exchange format version 1.1 (a version 1 record reads too)."""

    schema_version: Literal["1", "1.1"] = "1.1"
    document: Document
    design: Design = Field(default_factory=Design)
    population: Population = Field(default_factory=Population)
    intervention: Intervention = Field(default_factory=Intervention)
    outcomes: list[Outcome] = Field(default_factory=list)
    field_evidence: list[FieldEvidence] = Field(
        default_factory=list, description="Evidence spans for non-outcome fields (project extension)."
    )
    provenance: Provenance | None = Field(default=None, description="Project extension.")
