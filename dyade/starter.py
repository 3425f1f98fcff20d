"""What `dyade new` writes: a small, complete programme that checks and
builds at once (one chapter, one form using every field kind, one annex,
one workshop, a few flashcards and glossary terms), in the languages the
coordinator chose.

The texts are written here in English, French and Spanish; for any other
language the English text is written, marked `# to translate (English)`,
and so are the interface strings Dyade does not ship in that language:
Dyade never makes up a translation.  Every value is written as a YAML
double-quoted scalar or a literal block (see `_scalar`), so nothing a
coordinator types (a name with a colon or a quote) can change the
structure of a file.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from . import bundled
from .model import FIELD_KINDS

WRITTEN_IN = ("en", "fr", "es")  # the languages the starter's texts are written in
TO_TRANSLATE = "# to translate (English)"
# The name of each language in itself, for the language switcher: a fact, not a translation.
OWN_NAMES = {"en": "English", "fr": "Français", "es": "Español", "de": "Deutsch", "it": "Italiano",
             "pt": "Português", "nl": "Nederlands"}
PRIMARY, ACCENT = "#1d4e6e", "#a3442a"


@dataclass
class T:
    """One text in the languages it is written in."""
    en: str
    fr: str
    es: str

    def get(self, lang: str) -> str | None:
        return getattr(self, lang) if lang in WRITTEN_IN else None


# -- YAML, written by hand so that the layout is the one the README shows ------------

# A text YAML reads as that very text when written without quotes: it starts
# with a letter, holds none of YAML's indicators (": " and " #" among them,
# so neither ':' nor '#' at all), is not a word YAML 1.1 reads as a boolean
# or null, and ends with no space.  In a flow list, ', [ ] { }' are out too.
_PLAIN = re.compile(r"[^\W\d_][^:#\\\"\x00-\x1f\x7f-\x9f\u2028\u2029]*(?<!\s)")
_PLAIN_FLOW = re.compile(r"[^\W\d_][^:#,\[\]{}\\\"\s]*")
_YAML_WORDS = {"true", "false", "null", "yes", "no", "on", "off", "y", "n"}


def _scalar(value, flow: bool = False) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, dt.date)):
        return str(value) if isinstance(value, int) else value.isoformat()
    value = str(value)
    if (_PLAIN_FLOW if flow else _PLAIN).fullmatch(value) and value.lower() not in _YAML_WORDS:
        return value
    # A JSON string is a valid YAML double-quoted scalar: quotes, backslashes,
    # colons and control characters typed by the coordinator stay text.
    return json.dumps(value, ensure_ascii=False)


class Yaml:
    def __init__(self, langs: list[str]):
        self.langs = langs
        self.untranslated = 0

    def text(self, t, pad: str) -> list[str]:
        lines = []
        for lang in self.langs:
            value, mark = t.get(lang), ""
            if value is None:
                value, mark = t.get("en"), "  " + TO_TRANSLATE
                self.untranslated += 1
            if "\n" in value:
                lines.append(f"{pad}{lang}: |{mark}")
                lines += [f"{pad}  {line}" if line else "" for line in value.rstrip("\n").split("\n")]
            else:
                lines.append(f"{pad}{lang}: {_scalar(value)}{mark}")
        return lines

    def mapping(self, data: dict, indent: int = 0) -> list[str]:
        pad, lines = " " * indent, []
        for key, value in data.items():
            if key.startswith("#"):
                lines.append(f"{pad}{key}")
            elif isinstance(value, (T, Same)):
                lines += [f"{pad}{key}:", *self.text(value, pad + "  ")]
            elif isinstance(value, dict):
                lines += [f"{pad}{key}:", *self.mapping(value, indent + 2)]
            elif isinstance(value, list):
                if not value:
                    lines.append(f"{pad}{key}: []")
                elif all(not isinstance(v, (dict, T, Same)) for v in value):
                    lines.append(f"{pad}{key}: [{', '.join(_scalar(v, flow=True) for v in value)}]")
                else:
                    lines.append(f"{pad}{key}:")
                    for item in value:
                        body = (self.text(item, pad + "    ") if isinstance(item, (T, Same))
                                else self.mapping(item, indent + 4))
                        body[0] = f"{pad}  - {body[0].lstrip()}"
                        lines += body
            else:
                mark = ""
                if isinstance(value, Untranslated):
                    mark = "  " + TO_TRANSLATE
                    self.untranslated += 1
                lines.append(f"{pad}{key}: {_scalar(value)}{mark}")
        return lines

    def file(self, schema: str, data: dict, depth: int) -> str:
        head = f"# yaml-language-server: $schema={'../' * depth}schema/{schema}.schema.json"
        return "\n".join([head, *self.mapping(data)]) + "\n"


class Untranslated(str):
    """A value written in English for a language the starter has no text in."""


class Same:
    """The same text in every language (a name the coordinator typed)."""
    def __init__(self, value: str):
        self.value = value

    def get(self, lang: str) -> str:
        return self.value


# -- the programme ----------------------------------------------------------------

FORM_ID, ANNEX_ID, WORKSHOP_ID, CHAPTER_ID = "meeting-record", "first-meeting", "getting-started", "welcome"


def _dates(today: dt.date) -> tuple[dt.date, dt.date]:
    """The next school year: 1 September to 30 June."""
    year = today.year if today < dt.date(today.year, 9, 1) else today.year + 1
    return dt.date(year, 9, 1), dt.date(year + 1, 6, 30)


# The forms of the name each language's texts use ({org:du}), made from the
# article the name starts with, if any; French and Spanish default to the
# masculine (le, el), French elides before a vowel or an h (l').  The
# README and the comment in programme.yml tell the coordinator to check them.
_ARTICLES = {
    "en": {"the ": ("the",)},
    "fr": {"le ": ("le", "du", "au"), "la ": ("la", "de la", "à la"), "l'": ("l'", "de l'", "à l'"),
           "l’": ("l’", "de l’", "à l’"), "les ": ("les", "des", "aux")},
    "es": {"el ": ("el", "del", "al"), "la ": ("la", "de la", "a la"), "los ": ("los", "de los", "a los"),
           "las ": ("las", "de las", "a las")},
}
_FORM_NAMES = {"en": ("the",), "fr": ("le", "du", "au"), "es": ("el", "del", "al")}


def name_forms(name: str, lang: str) -> dict:
    """{form: words} for `lang`: the English forms, marked, for a language
    the starter's texts are not written in."""
    if lang not in _FORM_NAMES:
        return {form: Untranslated(words) for form, words in name_forms(name, "en").items()}
    rest, articles = name, _FORM_NAMES[lang]
    for start, forms in _ARTICLES[lang].items():
        if name.lower().startswith(start):
            rest, articles = name[len(start):], forms
            break
    else:
        if lang == "fr" and name[:1].lower() in "aeiouyhàâéèêëîïôöûüœæ":
            articles = ("l'", "de l'", "à l'")
    return {form: article + ("" if article.endswith(("'", "’")) else " ") + rest
            for form, article in zip(_FORM_NAMES[lang], articles)}


def programme(name: str, short: str, langs: list[str], today: dt.date) -> dict:
    start, end = _dates(today)
    return {
        "# Who runs the programme and how it looks: every output takes its branding from here.": None,
        "organisation": {
            "name": Same(name),
            "short_name": Same(short),
            "logo": "content/assets/logo.svg",
            "logo_alt": T(en="{org_short} logo, two overlapping circles",
                          fr="Logo de {org_short}, deux cercles qui se chevauchent",
                          es="Logotipo de {org_short}, dos círculos superpuestos"),
            "# The name as a sentence needs it, with its article: texts write {org:du}, or {org:Le} to start a "
            "sentence ({org} is the bare name). Check each article: for a feminine name, la, de la, à la.": None,
            "name_forms": {lang: name_forms(name, lang) for lang in langs},
        },
        "colours": {"primary": PRIMARY, "accent": ACCENT},
        "# Replace with the real coordinator: forms say to send them to this address.": None,
        "coordinator": {
            "name": f"{short} coordination",
            "title": T(en="Mentoring programme coordinator", fr="Coordination du programme de mentorat",
                       es="Coordinación del programa de mentoría"),
            "email": "mentoring@example.org",
        },
        "title": T(en="Mentoring programme", fr="Programme de mentorat", es="Programa de mentoría"),
        "# The first language is the site's default.": None,
        "languages": list(langs),
        "# letter or a4": None,
        "page_size": "letter",
        "start": start,
        "end": end,
        "duration": T(en="ten months", fr="dix mois", es="diez meses"),
        "# Once the site has its public address, add it: site_url: https://example.org/mentoring/": None,
        "calendar": [
            {"id": "launch", "date": start,
             "title": T(en="Pairs meet for the first time", fr="Première rencontre des dyades",
                        es="Primera reunión de cada pareja"),
             "description": T(
                 en="Each pair meets once before the end of September. The "
                    "[first meeting annex](annex:first-meeting) helps prepare it.",
                 fr="Chaque dyade se rencontre une première fois avant la fin de septembre. "
                    "L'[annexe sur la première rencontre](annex:first-meeting) aide à la préparer.",
                 es="Cada pareja se reúne por primera vez antes de que termine septiembre. "
                    "El [anexo sobre la primera reunión](annex:first-meeting) ayuda a prepararla."),
             "forms": [f"form:{FORM_ID}"]},
            {"id": "review", "date": end,
             "title": T(en="End-of-programme review", fr="Bilan de fin de programme", es="Balance final"),
             "description": T(
                 en="Mentor and mentee look back on the year together and send their last meeting record "
                    "to {coordinator}.",
                 fr="Mentor et mentoré font ensemble le point sur l'année et envoient leur dernier compte "
                    "rendu à {coordinator}.",
                 es="Mentor y persona mentorizada repasan juntos el año y envían su último registro "
                    "de reunión a {coordinator}."),
             "forms": [f"form:{FORM_ID}"]},
        ],
    }


HOME = {
    "intro": T(
        en="{org:The} pairs each newcomer with an experienced colleague from another team. For "
           "{duration}, the two meet about once a month to talk over real situations from work "
           "and to make progress on goals the mentee has chosen.\n",
        fr="{org:Le} associe chaque nouvelle recrue à une collègue ou un collègue d'expérience d'une autre "
           "équipe. Pendant {duration}, les deux se voient environ une fois par mois pour parler de "
           "situations vécues au travail et avancer vers les objectifs que le mentoré s'est fixés.\n",
        es="{org:El} une a cada persona recién llegada con una colega o un colega con experiencia de otro "
           "equipo. Durante {duration}, se reúnen más o menos una vez al mes para hablar de situaciones "
           "reales del trabajo y avanzar hacia los objetivos que eligió la persona mentorizada.\n"),
    "audience": T(
        en="For new staff who want a sounding board, and for colleagues willing to share what they have learnt.",
        fr="Pour le nouveau personnel qui veut un regard extérieur, et pour les collègues prêts à partager "
           "ce qu'ils ont appris.",
        es="Para el personal nuevo que busca alguien con quien pensar en voz alta, y para quienes quieren "
           "compartir lo que han aprendido."),
    "getting_started": T(
        en="Read the chapter [Welcome](chapter:welcome), then fill in the [meeting record](form:meeting-record) "
           "after your first meeting.",
        fr="Lisez le chapitre [Bienvenue](chapter:welcome), puis remplissez le "
           "[compte rendu de rencontre](form:meeting-record) après votre première rencontre.",
        es="Lea el capítulo [Bienvenida](chapter:welcome) y, después de la primera reunión, complete el "
           "[registro de reunión](form:meeting-record)."),
}

CHAPTER = {
    "id": CHAPTER_ID,
    "title": T(en="Welcome", fr="Bienvenue", es="Bienvenida"),
    "summary": T(en="What the programme offers and how a pair works.",
                 fr="Ce que le programme offre et comment fonctionne une dyade.",
                 es="Qué ofrece el programa y cómo trabaja una pareja."),
    "sections": [
        {"id": "what-it-offers",
         "title": T(en="What the programme offers", fr="Ce que le programme offre", es="Qué ofrece el programa"),
         "body": T(
             en="A new job brings questions that are easier to ask a peer than a manager. Your mentor "
                "has no say in your appraisal: what you discuss stays between the two of you, unless "
                "someone's safety is at stake.\n",
             fr="Un nouveau poste amène des questions plus faciles à poser à un pair qu'à un supérieur. "
                "Votre mentor ne participe pas à votre évaluation : ce dont vous parlez reste entre vous "
                "deux, sauf si la sécurité de quelqu'un est en jeu.\n",
             es="Un puesto nuevo trae preguntas que es más fácil hacer a un par que a un superior. Su "
                "mentor no participa en su evaluación: lo que hablen queda entre ustedes dos, salvo si "
                "está en juego la seguridad de alguien.\n")},
        {"id": "how-a-pair-works",
         "title": T(en="How a pair works", fr="Comment fonctionne une dyade", es="Cómo trabaja una pareja"),
         "body": T(
             en="- Meet for about an hour each month, in person or by video.\n"
                "- The [mentee](glossary:mentee) brings the topics; the mentor listens and asks questions "
                "before giving advice.\n"
                "- After each meeting, note what you agreed in the [meeting record](form:meeting-record).\n",
             fr="- Rencontrez-vous environ une heure par mois, en personne ou par vidéo.\n"
                "- Le [mentoré](glossary:mentee) apporte les sujets ; le mentor écoute et pose des questions "
                "avant de donner des conseils.\n"
                "- Après chaque rencontre, notez ce que vous avez convenu dans le "
                "[compte rendu de rencontre](form:meeting-record).\n",
             es="- Reúnanse alrededor de una hora al mes, en persona o por videollamada.\n"
                "- La [persona mentorizada](glossary:mentee) trae los temas; el mentor escucha y pregunta "
                "antes de aconsejar.\n"
                "- Después de cada reunión, anoten lo acordado en el [registro de reunión](form:meeting-record).\n"),
         "related": [f"form:{FORM_ID}", f"annex:{ANNEX_ID}"]},
    ],
}


def _option(value: str, en: str, fr: str, es: str) -> dict:
    return {"value": value, "label": T(en=en, fr=fr, es=es)}


FORM = {
    "id": FORM_ID,
    "number": 1,
    "title": T(en="Meeting record", fr="Compte rendu de rencontre", es="Registro de reunión"),
    "purpose": T(en="Keep track of each meeting: what you talked about and what you agreed to do next.",
                 fr="Garder la trace de chaque rencontre : les sujets abordés et ce que vous avez convenu de faire.",
                 es="Dejar constancia de cada reunión: los temas tratados y lo que acordaron hacer."),
    "who": T(en="The mentee, with the mentor", fr="Le mentoré, avec le mentor",
             es="La persona mentorizada, con su mentor"),
    "when": T(en="After each meeting", fr="Après chaque rencontre", es="Después de cada reunión"),
    "fields": [
        {"type": "heading", "text": T(en="The meeting", fr="La rencontre", es="La reunión")},
        {"id": "mentee-name", "type": "text",
         "label": T(en="Mentee's name", fr="Nom du mentoré", es="Nombre de la persona mentorizada")},
        {"id": "mentor-name", "type": "text",
         "label": T(en="Mentor's name", fr="Nom du mentor", es="Nombre del mentor")},
        {"id": "meeting-date", "type": "date",
         "label": T(en="Date of the meeting", fr="Date de la rencontre", es="Fecha de la reunión")},
        {"id": "length", "type": "number", "min": 0, "max": 240,
         "unit": T(en="min", fr="min", es="min"),
         "label": T(en="Length of the meeting", fr="Durée de la rencontre", es="Duración de la reunión")},
        {"id": "format", "type": "choice",
         "label": T(en="How you met", fr="Mode de rencontre", es="Modalidad"),
         "options": [_option("in-person", "In person", "En personne", "En persona"),
                     _option("video", "By video", "Par vidéo", "Por videollamada"),
                     _option("phone", "By phone", "Par téléphone", "Por teléfono")]},
        {"id": "topics", "type": "long_text", "lines": 4,
         "label": T(en="Topics discussed", fr="Sujets abordés", es="Temas tratados"),
         "help": T(en="A few words per topic are enough.", fr="Quelques mots par sujet suffisent.",
                   es="Bastan unas palabras por tema.")},
        {"id": "covered", "type": "checklist",
         "label": T(en="We talked about", fr="Nous avons parlé", es="Hablamos de"),
         "items": [_option("goals", "the mentee's goals", "des objectifs du mentoré",
                           "los objetivos de la persona mentorizada"),
                   _option("progress", "progress since last time", "des progrès depuis la dernière fois",
                           "los avances desde la última vez"),
                   _option("difficulty", "a difficult situation", "d'une situation difficile",
                           "una situación difícil")]},
        {"id": "usefulness", "type": "rating", "scale": 5,
         "label": T(en="How useful was this meeting?", fr="Cette rencontre vous a-t-elle été utile ?",
                    es="¿Qué tan útil fue esta reunión?"),
         "low": T(en="not useful", fr="pas utile", es="nada útil"),
         "high": T(en="very useful", fr="très utile", es="muy útil")},
        {"type": "instructions",
         "text": T(en="List the actions you agreed on, who takes each one and by when.",
                   fr="Indiquez les actions convenues, qui s'en charge et pour quand.",
                   es="Anoten las acciones acordadas, quién se encarga de cada una y para cuándo.")},
        {"id": "actions", "type": "table", "rows": 3,
         "label": T(en="Next steps", fr="Prochaines étapes", es="Próximos pasos"),
         "columns": [
             {"id": "action", "type": "text", "label": T(en="Action", fr="Action", es="Acción")},
             {"id": "who", "type": "text", "label": T(en="Who", fr="Qui", es="Quién")},
             {"id": "by", "type": "date", "label": T(en="By", fr="Pour le", es="Para el")}]},
        {"id": "next-meeting-set", "type": "checkbox",
         "label": T(en="We have set the date of our next meeting",
                    fr="Nous avons fixé la date de notre prochaine rencontre",
                    es="Ya fijamos la fecha de la próxima reunión")},
        {"id": "mentee-signature", "type": "signature",
         "label": T(en="Mentee", fr="Mentoré", es="Persona mentorizada")},
    ],
    "identifies": ["mentee-name", "mentor-name"],
}

ANNEX = {
    "id": ANNEX_ID,
    "number": 1,
    "title": T(en="Preparing the first meeting", fr="Préparer la première rencontre",
               es="Preparar la primera reunión"),
    "summary": T(en="Questions to talk over when you meet for the first time.",
                 fr="Des questions à aborder lors de votre première rencontre.",
                 es="Preguntas para conversar en la primera reunión."),
    "body": T(
        en="Take the time to get to know each other before talking about goals.\n\n"
           "1. What led each of you to join the programme?\n"
           "2. How often and where will you meet?\n"
           "3. What stays between the two of you, and what does not?\n"
           "4. What would make this year a success for the mentee?\n",
        fr="Prenez le temps de faire connaissance avant de parler d'objectifs.\n\n"
           "1. Qu'est-ce qui a amené chacun de vous à participer au programme ?\n"
           "2. À quelle fréquence et où vous rencontrerez-vous ?\n"
           "3. Qu'est-ce qui reste entre vous deux, et qu'est-ce qui n'y reste pas ?\n"
           "4. Qu'est-ce qui ferait de cette année une réussite pour le mentoré ?\n",
        es="Tómense tiempo para conocerse antes de hablar de objetivos.\n\n"
           "1. ¿Por qué decidió cada uno participar en el programa?\n"
           "2. ¿Con qué frecuencia y dónde se van a reunir?\n"
           "3. ¿Qué queda entre ustedes dos y qué no?\n"
           "4. ¿Qué haría de este año un éxito para la persona mentorizada?\n"),
}

WORKSHOP = {
    "id": WORKSHOP_ID,
    "title": T(en="Starting out as a pair", fr="Bien démarrer en dyade", es="Empezar en pareja"),
    "summary": T(en="A one-hour session in which new pairs agree on how they will work together.\n",
                 fr="Une séance d'une heure où les nouvelles dyades conviennent de leur façon de travailler "
                    "ensemble.\n",
                 es="Una sesión de una hora en la que las parejas nuevas acuerdan cómo van a trabajar juntas.\n"),
    "duration_minutes": 60,
    "group_size": T(en="From 2 to 20 people, in pairs", fr="De 2 à 20 personnes, en dyades",
                    es="De 2 a 20 personas, en parejas"),
    "objectives": [T(en="Agree on how often and how the pair will meet.",
                     fr="S'entendre sur la fréquence et la forme des rencontres.",
                     es="Acordar cada cuánto y cómo se reunirá la pareja."),
                   T(en="Name one goal for the first three months.",
                     fr="Nommer un objectif pour les trois premiers mois.",
                     es="Definir un objetivo para los tres primeros meses.")],
    "materials": [T(en="One printed meeting record per pair", fr="Un compte rendu de rencontre imprimé par dyade",
                    es="Un registro de reunión impreso por pareja")],
    "steps": [
        {"id": "welcome", "minutes": 10,
         "title": T(en="Welcome", fr="Accueil", es="Bienvenida"),
         "participant": T(en="Introduce yourself to your partner in two minutes: your role and one thing you "
                             "hope to get from the programme.\n",
                          fr="Présentez-vous à votre partenaire en deux minutes : votre rôle et une chose que "
                             "vous espérez retirer du programme.\n",
                          es="Preséntese a su pareja en dos minutos: su puesto y algo que espera obtener del "
                             "programa.\n"),
         "facilitator": T(en="Keep time and make sure each person speaks.\n",
                          fr="Surveillez le temps et veillez à ce que chacun prenne la parole.\n",
                          es="Controle el tiempo y asegúrese de que todos hablen.\n")},
        {"id": "agreement", "minutes": 35,
         "title": T(en="Our way of working", fr="Notre façon de travailler", es="Nuestra forma de trabajar"),
         "participant": T(en="Together, answer the questions below and write your answers down.\n",
                          fr="Ensemble, répondez aux questions ci-dessous et notez vos réponses.\n",
                          es="Respondan juntos las preguntas siguientes y anoten sus respuestas.\n"),
         "questions": [T(en="When and where will we meet?", fr="Quand et où nous rencontrerons-nous ?",
                         es="¿Cuándo y dónde nos reuniremos?"),
                       T(en="What stays between us?", fr="Qu'est-ce qui reste entre nous ?",
                         es="¿Qué queda entre nosotros?")],
         "facilitator": T(en="Walk between the pairs; help those who get stuck on the second question.\n",
                          fr="Passez d'une dyade à l'autre ; aidez celles qui bloquent sur la deuxième "
                             "question.\n",
                          es="Recorra las parejas y ayude a las que se atasquen con la segunda pregunta.\n"),
         "key_points": [T(en="A regular rhythm, set in advance", fr="Un rythme régulier, fixé à l'avance",
                          es="Un ritmo regular, fijado de antemano"),
                        T(en="The limits of confidentiality", fr="Les limites de la confidentialité",
                          es="Los límites de la confidencialidad")]},
        {"id": "first-goal", "minutes": 15,
         "title": T(en="A first goal", fr="Un premier objectif", es="Un primer objetivo"),
         "participant": T(en="The mentee names one goal for the next three months; the mentor asks how "
                             "progress will show.\n",
                          fr="Le mentoré nomme un objectif pour les trois prochains mois ; le mentor demande "
                             "à quoi on verra les progrès.\n",
                          es="La persona mentorizada define un objetivo para los próximos tres meses; el "
                             "mentor pregunta cómo se notarán los avances.\n"),
         "facilitator": T(en="Invite two or three pairs to share their goal with the group.\n",
                          fr="Invitez deux ou trois dyades à présenter leur objectif au groupe.\n",
                          es="Invite a dos o tres parejas a compartir su objetivo con el grupo.\n")},
    ],
    "facilitator_notes": T(en="Send the [first meeting annex](annex:first-meeting) to the pairs a week before.\n",
                           fr="Envoyez l'[annexe sur la première rencontre](annex:first-meeting) aux dyades une "
                              "semaine avant.\n",
                           es="Envíe el [anexo sobre la primera reunión](annex:first-meeting) a las parejas una "
                              "semana antes.\n"),
}

FLASHCARDS = {
    "title": T(en="Flashcards", fr="Cartes-éclair", es="Tarjetas de repaso"),
    "intro": T(en="Read the question, answer it aloud, then turn the card over.\n",
               fr="Lisez la question, répondez à voix haute, puis retournez la carte.\n",
               es="Lea la pregunta, responda en voz alta y luego dé vuelta la tarjeta.\n"),
    "cards": [
        {"id": "who-brings-topics",
         "question": T(en="Who brings the topics to a meeting?", fr="Qui apporte les sujets d'une rencontre ?",
                       es="¿Quién trae los temas a la reunión?"),
         "answer": T(en="The mentee.", fr="Le mentoré.", es="La persona mentorizada.")},
        {"id": "how-often",
         "question": T(en="How often does a pair meet?", fr="À quelle fréquence une dyade se rencontre-t-elle ?",
                       es="¿Cada cuánto se reúne una pareja?"),
         "answer": T(en="About once a month, for an hour.", fr="Environ une fois par mois, pendant une heure.",
                     es="Más o menos una vez al mes, durante una hora.")},
        {"id": "after-meeting",
         "question": T(en="What do you fill in after each meeting?", fr="Que remplit-on après chaque rencontre ?",
                       es="¿Qué se completa después de cada reunión?"),
         "answer": T(en="The [meeting record](form:meeting-record).",
                     fr="Le [compte rendu de rencontre](form:meeting-record).",
                     es="El [registro de reunión](form:meeting-record).")},
    ],
}

GLOSSARY = {
    "title": T(en="Glossary", fr="Glossaire", es="Glosario"),
    "terms": [
        {"id": "mentor", "term": T(en="Mentor", fr="Mentor", es="Mentor"),
         "definition": T(en="An experienced colleague who supports a newcomer, with no authority over them.",
                         fr="Une personne d'expérience qui accompagne une nouvelle recrue, sans autorité sur elle.",
                         es="Una persona con experiencia que acompaña a alguien recién llegado, sin autoridad "
                            "sobre esa persona.")},
        {"id": "mentee", "term": T(en="Mentee", fr="Mentoré", es="Persona mentorizada"),
         "definition": T(en="The newcomer who sets the goals and brings the topics.",
                         fr="La nouvelle recrue, qui fixe les objectifs et apporte les sujets.",
                         es="La persona recién llegada, que fija los objetivos y trae los temas.")},
        {"id": "pair", "term": T(en="Pair", fr="Dyade", es="Pareja"),
         "definition": T(en="A mentor and a mentee who work together.",
                         fr="Un mentor et un mentoré qui travaillent ensemble.",
                         es="Un mentor y una persona mentorizada que trabajan juntos.")},
    ],
}


def used_kinds() -> set[str]:
    """The field kinds the starter's form uses (every one of FIELD_KINDS)."""
    found = {f["type"] for f in FORM["fields"]}
    return found & {k.type for k in FIELD_KINDS}


# -- the logo -----------------------------------------------------------------------

LOGO_SIZE = 240
CIRCLES = ((96, 120, 56), (144, 120, 56))  # (x, y, radius): two overlapping rings


def logo_svg() -> str:
    rings = "".join(f'<circle cx="{x}" cy="{y}" r="{r}" fill="none" stroke="#ffffff" stroke-width="12"/>'
                    for x, y, r in CIRCLES)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{LOGO_SIZE}" height="{LOGO_SIZE}" '
            f'viewBox="0 0 {LOGO_SIZE} {LOGO_SIZE}"><rect width="{LOGO_SIZE}" height="{LOGO_SIZE}" rx="24" '
            f'fill="{escape(PRIMARY)}"/>{rings}</svg>\n')


def logo_png() -> bytes:
    """The same drawing as logo_svg, as a PNG (Word cannot show an SVG)."""
    bg = bytes.fromhex(PRIMARY[1:])
    rows = []
    for y in range(LOGO_SIZE):
        row = bytearray(b"\x00")  # filter: none
        for x in range(LOGO_SIZE):
            on_ring = any(abs(((x + .5 - cx) ** 2 + (y + .5 - cy) ** 2) ** .5 - r) <= 6 for cx, cy, r in CIRCLES)
            row += b"\xff\xff\xff" if on_ring else bg
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", LOGO_SIZE, LOGO_SIZE, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
            + chunk(b"IEND", b""))


# -- interface strings ----------------------------------------------------------------

def strings_file(bundled: dict, langs: list[str]) -> tuple[str, list[str]]:
    """templates/strings.yml for `langs`: Dyade ships the interface text
    of its languages, so the file only says how to override a text; the
    languages it lacks get their entries, the English text marked to
    translate (their own name and language tag excepted, which are facts)."""
    lacking = [lang for lang in langs if not all(isinstance(v, dict) and v.get(lang) for v in bundled.values())]
    shipped = [lang for lang in langs if lang not in lacking]
    lines = ["# yaml-language-server: $schema=../schema/strings.schema.json",
             "# Interface text of the site, the DOCX forms and the PDFs (buttons, headings, date formats).",
             f"# Dyade ships it in {', '.join(shipped) or 'its languages'}: this file only overrides what you want",
             "# to say differently, one line per text, e.g. to call a form a questionnaire in English:",
             "#   form: {en: Questionnaire}",
             "# The keys and what each one does are in Dyade's README (Interface strings)."]
    if lacking:
        lines.append(f"# Lines marked '{TO_TRANSLATE}' are the English text, waiting for their translation.")
    for key, values in bundled.items():
        if not isinstance(values, dict) or not lacking:
            continue
        lines.append(f"{key}:")
        for lang in lacking:
            value, mark = values.get(lang), ""
            if not value:
                if key == "language_name" and lang in OWN_NAMES:
                    value = OWN_NAMES[lang]
                elif key == "locale":
                    value = lang
                else:
                    value, mark = values.get("en", ""), "  " + TO_TRANSLATE
            lines.append(f"  {lang}: {_scalar(value)}{mark}")
    return "\n".join(lines) + "\n", lacking


# -- the project's other files ---------------------------------------------------------

GITIGNORE = """\
# What the build makes: never edit or commit it (the publishing workflow builds it again).
/site/
/dist/
/.dyade/
# Returned forms and what `dyade collect` makes of them are participants'
# personal data: never in the repository, which may be published.
/returned/
/collected/
"""

WORKFLOW = """\
# Publishes the website on GitHub Pages each time the main branch changes.
#
# One-time set-up on GitHub: Settings -> Pages -> "Build and deployment" ->
# Source: "GitHub Actions".  The site then appears at
# https://<account>.github.io/<repository>/ (put that address in
# `site_url` in content/programme.yml).
name: Publish the website

on:
  push:
    branches: [main]
  workflow_dispatch:  # also lets you publish by hand from the Actions tab

permissions:
  contents: read
  pages: write
  id-token: write

concurrency:
  group: pages
  cancel-in-progress: false

env:
  # Where pip gets Dyade: the address of a Dyade repository (and the version
  # this project was made with), as pip writes it.
  DYADE: "{dyade}"

jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      # Install Dyade, check the sources and build the site, the forms and
      # the handouts.  A mistake in the sources stops here, and the
      # published site stays as it was.  The documents are dated by the
      # last commit, so republishing the same sources gives the same files.
      - name: Build
        run: |
          export SOURCE_DATE_EPOCH="$(git log -1 --format=%ct)"
          python3 -m venv "$RUNNER_TEMP/venv"
          "$RUNNER_TEMP/venv/bin/pip" install --src "$RUNNER_TEMP/dyade-src" -e "$DYADE#egg=dyade"
          "$RUNNER_TEMP/venv/bin/dyade" build
      - uses: actions/upload-pages-artifact@v3
        with:
          path: site/

  deploy:
    needs: build
    runs-on: ubuntu-latest
    environment:
      name: github-pages
      url: ${{{{ steps.deployment.outputs.page_url }}}}
    steps:
      - id: deployment
        uses: actions/deploy-pages@v4
"""

UNKNOWN_SOURCE = "git+https://github.com/ACCOUNT/dyade"


def readme(name: str, langs: list[str], example: bool, untranslated: bool) -> str:
    """The coordinator's README: what each file is, which are optional, what to do next."""
    langs_shown = ", ".join(langs)
    translate = ("\nLines marked `# to translate (English)` hold the English text where Dyade has none in "
                 "that language: replace each one with its translation (then delete the mark).\n"
                 if untranslated else "")
    content = ("the programme bundled with Dyade (a complete guide for mentoring newly appointed school "
               "leaders), to adapt" if example else
               "a small starter programme: one chapter, one form, one annex, one workshop, three flashcards "
               "and three glossary terms, to rewrite and extend")
    return f"""\
# {name}: mentoring programme

The sources of the programme's website, fillable forms and printable
handouts, built with Dyade, in {langs_shown}. This folder holds {content}.
{translate}
## The next three commands

Run them in this folder (or any folder inside it), with Dyade installed:

1. `dyade check`: checks every file and lists each mistake as
   `file:line:column: what is wrong — how to fix it`.
2. `dyade serve`: builds everything and shows the website at
   <http://localhost:8000/>, rebuilding it each time you save a file
   (Ctrl+C stops it).
3. `dyade build`: builds the website into `site/` and the documents (DOCX
   forms, PDF handouts) into `dist/<language>/`.

## What each file is

| file | what it is | needed? |
|---|---|---|
| `content/programme.yml` | the organisation's name and its forms inside sentences (`name_forms`: check their articles), logo, colours, coordinator, languages, dates, calendar | required |
| `content/home.yml` | the home page of the website | required |
| `content/guide/*.yml` | the guide, one chapter per file, in file-name order | at least one |
| `forms/*.yml` | the forms, one per file, with their fields | optional |
| `content/annexes/*.yml` | the annexes | optional |
| `content/workshops/*.yml` | group workshops: timed steps, participant and facilitator texts | optional |
| `content/flashcards.yml` | the self-quiz cards | optional |
| `content/glossary.yml` | the glossary | optional |
| `content/assets/logo.svg`, `logo.png` | a placeholder logo: replace both with yours (same names); the PNG is the one Word shows | required (the PNG for the DOCX forms) |
| `templates/strings.yml` | your own wording of the interface text (buttons, headings, date formats): Dyade ships it in fr, en, es, de, pt and it, and this file overrides only the lines it gives | optional |
| `schema/` | JSON Schemas: completion and checks in your editor (`dyade schema` writes them again) | optional |
| `.gitignore` | keeps the outputs and the returned forms (personal data) out of git | keep it |
| `.github/workflows/pages.yml` | publishes the website on GitHub Pages at each push (set `DYADE` at its top to where your organisation gets Dyade) | optional |

`site/`, `dist/` and `.dyade/` are made by the build: never edit them.
Returned forms go into `returned/`; `dyade collect returned/` turns them
into spreadsheets in `collected/`. Both stay out of git.

Before publishing, put the real coordinator and e-mail address in
`content/programme.yml`, and your own logo in `content/assets/`.
"""


BUNDLED = bundled.ROOT  # the folder of Dyade's own programme
EXAMPLE_PARTS = ("content", "forms", "templates/strings.yml")


def dyade_source(bundled: Path = BUNDLED) -> str:
    """Where pip can get this very Dyade: its git repository's public
    address and commit, when it was installed from one; else a line to edit."""
    import subprocess

    try:
        url = subprocess.run(["git", "-C", str(bundled), "config", "--get", "remote.origin.url"],
                             capture_output=True, text=True, timeout=10).stdout.strip()
        commit = subprocess.run(["git", "-C", str(bundled), "rev-parse", "HEAD"],
                                capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return UNKNOWN_SOURCE
    if url.startswith("https://") and commit and all(c not in url for c in "\"'\\ #@"):
        return f"git+{url}@{commit}"
    return UNKNOWN_SOURCE


def _put(path: Path, data: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8", newline="\n")


def write_common(folder: Path, name: str, langs: list[str], example: bool, untranslated: bool,
                 source: str) -> None:
    _put(folder / ".gitignore", GITIGNORE)
    # The workflow is YAML: the source is written as a double-quoted scalar.
    _put(folder / ".github" / "workflows" / "pages.yml", WORKFLOW.format(dyade=json.dumps(source)[1:-1]))
    _put(folder / "README.md", readme(name, langs, example, untranslated))


def write(folder: Path, name: str, short: str, langs: list[str], bundled_strings: dict,
          today: dt.date, source: str) -> dict:
    """Write the starter programme into `folder` (empty or new); what the
    coordinator must be told: {"lacking": languages without interface
    strings, "untranslated": texts written in English for want of a translation}."""
    y = Yaml(langs)
    files = {
        "content/programme.yml": ("programme", programme(name, short, langs, today), 1),
        "content/home.yml": ("home", HOME, 1),
        f"content/guide/01-{CHAPTER_ID}.yml": ("chapter", CHAPTER, 2),
        f"forms/1-{FORM_ID}.yml": ("form", FORM, 1),
        f"content/annexes/1-{ANNEX_ID}.yml": ("annex", ANNEX, 2),
        f"content/workshops/{WORKSHOP_ID}.yml": ("workshop", WORKSHOP, 2),
        "content/flashcards.yml": ("flashcards", FLASHCARDS, 1),
        "content/glossary.yml": ("glossary", GLOSSARY, 1),
    }
    for rel, (kind, data, depth) in files.items():
        _put(folder / rel, y.file(kind, data, depth))
    _put(folder / "content" / "assets" / "logo.svg", logo_svg())
    _put(folder / "content" / "assets" / "logo.png", logo_png())
    strings, lacking = strings_file(bundled_strings, langs)
    _put(folder / "templates" / "strings.yml", strings)
    untranslated = y.untranslated + (1 if lacking else 0)
    write_common(folder, name, langs, False, bool(untranslated), source)
    return {"lacking": lacking, "untranslated": y.untranslated}


def copy_example(folder: Path, source: str, bundled: Path = BUNDLED) -> None:
    """Dyade's own programme, as it is, into `folder`."""
    import shutil

    for part in EXAMPLE_PARTS:
        src = bundled / part
        if src.is_dir():
            shutil.copytree(src, folder / part, dirs_exist_ok=True)
        else:
            (folder / part).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, folder / part)
    write_common(folder, "Example programme", ["fr", "en"], True, False, source)
