"""How classes and certainty statuses look on the page, and the page's own words (en, fr, zh).

Class and relation labels come from the ontology; this module only picks colours and shapes.
A class the table does not know (a new one in the ontology) gets the shape of its nearest
known ancestor and a colour from the spare palette, so the legend never misses an entry.
"""
from __future__ import annotations

from ..ontology import Ontology

LANGUAGES = ("en", "fr", "zh")

#: class key -> (vis-network shape, colour). Shapes with the label underneath only, so that
#: every node has the same footprint whatever its name.
CLASS_STYLES: dict[str, tuple[str, str]] = {
    "Organization": ("dot", "#1e3a8a"),
    "Company": ("dot", "#2563eb"),
    "ResearchLab": ("hexagon", "#7c3aed"),
    "Publisher": ("square", "#64748b"),
    "AnalystFirm": ("triangleDown", "#0d9488"),
    "Regulator": ("star", "#be185d"),
    "Person": ("triangle", "#ea580c"),
    "AIModel": ("diamond", "#16a34a"),
    "AIProduct": ("star", "#ca8a04"),
    "Device": ("square", "#0891b2"),
    "Chipset": ("hexagon", "#854d0e"),
    "Dataset": ("triangleDown", "#db2777"),
    "Market": ("diamond", "#475569"),
    "Observation": ("square", "#0f766e"),
    "Event": ("star", "#b91c1c"),
}
SPARE_COLOURS = ("#4f46e5", "#059669", "#c2410c", "#9333ea", "#0369a1", "#a21caf", "#65a30d", "#b45309")

#: status -> line style. Confirmed is the plain, strong line; weaker certainty is lighter or
#: dotted; rumours are dashed; denials are red and struck through (a bar across the middle and ✗).
STATUS_STYLES: dict[str, dict] = {
    "confirmed": {"color": "#1f2937", "width": 2.5, "dashes": False},
    "reported": {"color": "#3b82f6", "width": 1.5, "dashes": False},
    "imported": {"color": "#0f766e", "width": 1.5, "dashes": [2, 3]},
    "claimed": {"color": "#9333ea", "width": 1.5, "dashes": [2, 5]},
    "rumored": {"color": "#d97706", "width": 1.5, "dashes": [10, 6]},
    "denied": {"color": "#dc2626", "width": 2.0, "dashes": False, "strike": True},
}
UNKNOWN_STATUS_STYLE = {"color": "#6b7280", "width": 1.5, "dashes": [4, 4]}
DENIED_MARK = "✗"


def class_style(ontology: Ontology, key: str) -> tuple[str, str]:
    if key in CLASS_STYLES:
        return CLASS_STYLES[key]
    shape = "dot"
    info = ontology.classes.get(key)
    for ancestor in (info.ancestors if info else ()):
        if ancestor in CLASS_STYLES:
            shape = CLASS_STYLES[ancestor][0]
            break
    unknown = sorted(k for k in ontology.classes if k not in CLASS_STYLES)
    index = unknown.index(key) if key in unknown else 0
    return shape, SPARE_COLOURS[index % len(SPARE_COLOURS)]


def status_style(key: str) -> dict:
    return STATUS_STYLES.get(key, UNKNOWN_STATUS_STYLE)


#: The page's own words. Data labels (classes, relations, statuses, attributes) come from the
#: ontology and fall back to English where a language has none.
UI_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "fonts_note": "Chinese labels need a Chinese font on this computer (such as Noto Sans CJK); without one they show as boxes.",
        "title": "graphkit · AI industry knowledge graph", "back": "Back", "forward": "Forward",
        "colour_by": "Colour", "colour_class": "by class", "colour_community": "by community",
        "communities": "Communities", "community_of": "around {name}", "other_communities": "smaller communities",
        "in_clusters": "{n} more in {k} groups", "in_graph": "{n} in the whole graph",
        "cluster": "Group of neighbours", "cluster_hint": "{n} entities, not drawn. Double-click or open to draw them.",
        "open_cluster": "Open the group", "members": "Members", "neighbours": "Neighbours by relation",
        "expand": "Expand all", "collapse": "Collapse", "expand_group": "Draw these neighbours",
        "not_drawn": "{n} not drawn", "in_a_cluster": "in a group", "not_on_screen": "not on screen",
        "hint_overview": "This is an overview: the most central entities, with groups standing for their other neighbours. Search any entity, double-click an entity to expand it (again to collapse) or a group to open it.",
        "search": "Search a name, alias or label…", "fit": "Fit view", "language": "Language",
        "types": "Entity types", "relations": "Relations", "statuses": "Certainty", "markets": "Markets",
        "no_market": "No specific market", "as_of": "As of", "all_dates": "All dates",
        "time_valid": "holding then", "time_known": "known then", "history": "Certainty over time",
        "timeline": "Timeline", "by_valid": "When facts hold", "by_report": "When facts became known",
        "starts": "starts", "ends": "ends", "reported_by": "reported by",
        "all": "all", "none": "none", "physics": "Physics", "edge_labels": "Relation labels",
        "hide_isolated": "Hide entities without shown relations", "entities": "entities",
        "relationships": "relationships", "sources": "Sources", "shown": "shown",
        "no_results": "No match", "hint": "Click an entity or a relationship to see its details and sources.",
        "hidden": "hidden by the current filters", "close": "Close", "type": "Type", "id": "Id",
        "name": "Name", "labels": "Labels", "aliases": "Aliases", "description": "Description",
        "wikidata": "Wikidata", "properties": "Properties", "status": "Certainty", "market": "Market",
        "since": "Since", "until": "Until", "note": "Note", "quote": "Quote", "publisher": "Publisher",
        "date": "Date", "source_language": "Language", "cites": "Cites", "no_sources": "No source given.",
        "statement": "Relationship", "filters": "Filters", "legend": "Legend", "options": "Display",
        "loading": "Loading the graph…", "selection": "Selection", "symmetric": "symmetric",
    },
    "fr": {
        "fonts_note": "Les libellés chinois demandent une police chinoise sur cet ordinateur (par exemple Noto Sans CJK) ; sans elle, ils s'affichent en carrés.",
        "title": "graphkit · graphe de connaissances de l'industrie de l'IA", "back": "Retour", "forward": "Suivant",
        "colour_by": "Couleur", "colour_class": "par classe", "colour_community": "par communauté",
        "communities": "Communautés", "community_of": "autour de {name}", "other_communities": "petites communautés",
        "in_clusters": "{n} de plus dans {k} groupes", "in_graph": "{n} dans tout le graphe",
        "cluster": "Groupe de voisins", "cluster_hint": "{n} entités, non dessinées. Double-cliquez ou ouvrez pour les dessiner.",
        "open_cluster": "Ouvrir le groupe", "members": "Membres", "neighbours": "Voisins par relation",
        "expand": "Tout déplier", "collapse": "Replier", "expand_group": "Dessiner ces voisins",
        "not_drawn": "{n} non dessinées", "in_a_cluster": "dans un groupe", "not_on_screen": "pas à l'écran",
        "hint_overview": "Ceci est une vue d'ensemble : les entités les plus centrales, et des groupes pour leurs autres voisins. Cherchez n'importe quelle entité, double-cliquez une entité pour la déplier (encore pour la replier) ou un groupe pour l'ouvrir.",
        "search": "Chercher un nom, un alias ou un libellé…", "fit": "Recadrer", "language": "Langue",
        "types": "Types d'entités", "relations": "Relations", "statuses": "Certitude", "markets": "Marchés",
        "no_market": "Sans marché précis", "as_of": "À la date du", "all_dates": "Toutes les dates",
        "time_valid": "vrai alors", "time_known": "connu alors", "history": "Certitude au fil du temps",
        "timeline": "Chronologie", "by_valid": "Quand les faits sont vrais", "by_report": "Quand les faits ont été connus",
        "starts": "commence", "ends": "prend fin", "reported_by": "rapporté par",
        "all": "tout", "none": "aucun", "physics": "Physique", "edge_labels": "Libellés des relations",
        "hide_isolated": "Masquer les entités sans relation affichée", "entities": "entités",
        "relationships": "relations", "sources": "Sources", "shown": "affichées",
        "no_results": "Aucun résultat",
        "hint": "Cliquez sur une entité ou une relation pour voir ses détails et ses sources.",
        "hidden": "masquée par les filtres actuels", "close": "Fermer", "type": "Type", "id": "Identifiant",
        "name": "Nom", "labels": "Libellés", "aliases": "Alias", "description": "Description",
        "wikidata": "Wikidata", "properties": "Propriétés", "status": "Certitude", "market": "Marché",
        "since": "Depuis", "until": "Jusqu'au", "note": "Note", "quote": "Citation", "publisher": "Éditeur",
        "date": "Date", "source_language": "Langue", "cites": "Cite", "no_sources": "Aucune source indiquée.",
        "statement": "Relation", "filters": "Filtres", "legend": "Légende", "options": "Affichage",
        "loading": "Chargement du graphe…", "selection": "Sélection", "symmetric": "symétrique",
    },
    "zh": {
        "fonts_note": "中文标签需要本机安装中文字体（如 Noto Sans CJK），否则会显示为方框。",
        "title": "graphkit · 人工智能产业知识图谱", "back": "后退", "forward": "前进",
        "colour_by": "颜色", "colour_class": "按类别", "colour_community": "按社区",
        "communities": "社区", "community_of": "{name} 周边", "other_communities": "较小的社区",
        "in_clusters": "另有 {n} 个在 {k} 个分组中", "in_graph": "全图共 {n} 个",
        "cluster": "邻居分组", "cluster_hint": "{n} 个实体，未绘制。双击或打开以绘制。",
        "open_cluster": "打开分组", "members": "成员", "neighbours": "按关系分组的邻居",
        "expand": "全部展开", "collapse": "折叠", "expand_group": "绘制这些邻居",
        "not_drawn": "{n} 个未绘制", "in_a_cluster": "在分组中", "not_on_screen": "不在屏幕上",
        "hint_overview": "这是概览：最核心的实体，其余邻居以分组表示。可搜索任意实体，双击实体展开（再次双击折叠），双击分组将其打开。",
        "search": "搜索名称、别名或标签…", "fit": "适应视图", "language": "语言",
        "types": "实体类型", "relations": "关系", "statuses": "确定性", "markets": "市场",
        "no_market": "无特定市场", "as_of": "截至", "all_dates": "所有日期",
        "time_valid": "当时成立", "time_known": "当时已知", "history": "确定性的变化",
        "timeline": "时间线", "by_valid": "事实成立时间", "by_report": "事实获知时间",
        "starts": "开始", "ends": "结束", "reported_by": "报道来源",
        "all": "全选", "none": "全不选", "physics": "物理模拟", "edge_labels": "关系标签",
        "hide_isolated": "隐藏没有显示关系的实体", "entities": "个实体",
        "relationships": "条关系", "sources": "来源", "shown": "已显示",
        "no_results": "无匹配结果", "hint": "点击实体或关系以查看详情和来源。",
        "hidden": "已被当前筛选隐藏", "close": "关闭", "type": "类型", "id": "标识",
        "name": "名称", "labels": "标签", "aliases": "别名", "description": "描述",
        "wikidata": "维基数据", "properties": "属性", "status": "确定性", "market": "市场",
        "since": "起始", "until": "截止", "note": "备注", "quote": "引文", "publisher": "发布者",
        "date": "日期", "source_language": "语言", "cites": "引用", "no_sources": "未提供来源。",
        "statement": "关系", "filters": "筛选", "legend": "图例", "options": "显示",
        "loading": "正在加载图…", "selection": "选择", "symmetric": "对称",
    },
}
LANGUAGE_NAMES = {"en": "English", "fr": "Français", "zh": "中文"}
