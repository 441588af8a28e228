"""Demo members and practices for `manage.py seed_demo`.

The themes come from the first Urban Academy on Integration (Brussels, April 2018): schools as
integration hubs, teachers learning from each other, refugees becoming teachers, parents,
segregation, rapid language learning, migrant volunteers, local democracy and migrant
organisations. Cities and countries are real; every organisation, person and number is
invented for the demo.
"""

from __future__ import annotations

from datetime import date

from accounts.models import Role
from practices.models import Area, OrganisationType, Stage

DEMO_PASSWORD = "exchange-demo"  # noqa: S105 - published demo-only credential

MEMBERS: list[dict] = [
    {
        "email": "teacher@example.org",
        "display_name": "Sanne Verbeke",
        "role": Role.TEACHER,
        "organisation": "Westside Comprehensive School",
        "city": "Ghent",
        "country": "BE",
        "bio": (
            "Reception-class teacher for eleven years, now coordinating the newcomer programme "
            "of a secondary school. Interested in anything that helps mainstream colleagues "
            "feel ready for pupils who arrived last month."
        ),
    },
    {
        "email": "city@example.org",
        "display_name": "Tomasz Nowak",
        "role": Role.CITY,
        "organisation": "Office for Newcomers and Neighbourhoods",
        "city": "Lyon",
        "country": "FR",
        "bio": (
            "Policy officer for volunteering and participation. Works on how the city "
            "reaches residents who never read the city magazine."
        ),
    },
    {
        "email": "ngo@example.org",
        "display_name": "Hawa Diallo",
        "role": Role.NGO,
        "organisation": "Bridges Migrant Network",
        "city": "Leipzig",
        "country": "DE",
        "bio": (
            "Came to Germany as a student, stayed, and now runs the settlement programme of a "
            "network of migrant associations. Happy to talk about funding small organisations."
        ),
    },
    {
        "email": "moderator@example.org",
        "display_name": "Mara Lindqvist",
        "role": Role.RESEARCHER,
        "organisation": "Independent researcher",
        "city": "Gothenburg",
        "country": "SE",
        "bio": "Researches local integration policy and moderates the exchange.",
        "moderator": True,
    },
]

PRACTICES: list[dict] = [
    {
        "author": "teacher@example.org",
        "featured": True,
        "title": "Teacher tandems: reception-class teachers coach mainstream colleagues",
        "summary": (
            "Each experienced reception-class teacher is paired for a school year with a "
            "mainstream subject teacher who is about to receive newcomer pupils. They plan "
            "lessons together, visit each other's classes and meet every fortnight, so that "
            "know-how about teaching pupils who are still learning the language moves into "
            "ordinary classrooms instead of staying in the reception class."
        ),
        "challenge": (
            "Newcomer pupils spent a year in a reception class and then moved into mainstream "
            "classes whose teachers had never taught a pupil still learning the language. "
            "Many pupils fell back, and some dropped out within two years. The specialised "
            "teachers knew what worked, but their knowledge stayed in one corridor."
        ),
        "description": (
            "We set up **teacher tandems**: one reception-class teacher and one mainstream "
            "teacher, working together for a full school year.\n\n"
            "- Tandems are formed in June, before the newcomer pupils change class.\n"
            "- Each tandem gets two hours a fortnight on the timetable to plan lessons "
            "together: vocabulary lists, visual supports, simplified texts for the same "
            "subject content.\n"
            "- Both teachers visit each other's lessons four times a year and discuss what "
            "they saw, using a short observation sheet.\n"
            "- Once a term all tandems meet to swap materials; the best ones go into a "
            "shared folder that every teacher can use.\n"
            "- The school leadership counts tandem hours as professional development."
        ),
        "results": (
            "Over two school years, 34 teachers took part in 17 tandems.\n\n"
            "- The share of newcomer pupils still in their mainstream class after twelve "
            "months rose from 41% to 63%.\n"
            "- 29 of the 34 teachers said in the end-of-year survey that they felt "
            "confident teaching pupils who are learning the language (9 had said so "
            "at the start).\n"
            "- The shared folder holds 210 adapted lesson units in eight subjects."
        ),
        "resources": (
            "About 70 teacher-hours per tandem per year, paid from the school's "
            "professional-development budget. No outside funding."
        ),
        "difficulties": (
            "Timetabling the fortnightly slot was the hardest part. In the first year two "
            "tandems never met regularly; we now fix the slots before the rest of the "
            "timetable is made."
        ),
        "transfer_tips": (
            "Start with volunteers, not with the most reluctant teachers. Protect the "
            "planning time on the timetable: without it the tandems turn into good "
            "intentions. Keep the observation sheet short, one page at most."
        ),
        "country": "BE",
        "city": "Ghent",
        "organisation": "Westside Comprehensive School",
        "organisation_type": OrganisationType.SCHOOL,
        "area": Area.EDUCATION,
        "stage": Stage.EVALUATED,
        "started_on": date(2021, 9, 1),
        "still_running": True,
        "tags": ["peer learning", "teacher training", "newcomer pupils", "mainstream classes"],
        "target_groups": ["pupils", "professionals", "newcomers"],
    },
    {
        "author": "teacher@example.org",
        "validated": True,
        "title": "From refugee to teacher with the European Qualifications Passport",
        "summary": (
            "Refugees who were teachers in their home countries are helped back into "
            "classrooms. The European Qualifications Passport for Refugees documents their "
            "qualifications when diplomas were lost; a bridge course, language support and "
            "paid work as assistant teachers lead step by step towards full recognition."
        ),
        "challenge": (
            "Schools in the region were short of teachers, while refugees with years of "
            "teaching experience worked in cleaning or warehouse jobs. Many could not prove "
            "their qualifications: certificates had stayed behind or were destroyed, and "
            "the recognition office would not start a case without them."
        ),
        "description": (
            "A partnership of a teacher-training college, the regional school board and "
            "two schools built a route in four steps.\n\n"
            "1. **Assessment**: candidates go through the interview-based assessment of the "
            "European Qualifications Passport for Refugees, which describes their education, "
            "work experience and languages even without complete papers.\n"
            "2. **Bridge course**: one year part-time at the college on the school system, "
            "pedagogy and classroom language, with a mentor teacher.\n"
            "3. **Assistant teacher post**: paid, 60% of a full post, in one of the partner "
            "schools, often in a class with newcomer pupils who share a language.\n"
            "4. **Recognition**: the college supports the formal recognition case, using the "
            "passport as supporting evidence."
        ),
        "results": (
            "- 46 refugee teachers were assessed in the first three years; 31 received the "
            "passport.\n"
            "- 24 finished the bridge course and 19 work as assistant teachers.\n"
            "- 7 are now fully certified teachers with permanent contracts.\n"
            "- Head teachers report that the assistant teachers are a link to families who "
            "had no contact with the school before."
        ),
        "resources": (
            "The passport assessment is free for candidates. The bridge course costs about "
            "€3,800 per person a year, paid from a regional education fund; the assistant "
            "posts are paid from the schools' ordinary budgets."
        ),
        "difficulties": (
            "Language requirements for full certification are high (C1), and several "
            "candidates need two or three years to reach them. Some schools were hesitant "
            "to take on assistants until they met the first ones."
        ),
        "transfer_tips": (
            "Talk to the recognition office before you start, so that it knows the passport "
            "and what it can and cannot prove. Pay the assistant posts properly: candidates "
            "cannot afford a year of unpaid training."
        ),
        "country": "SE",
        "city": "Gothenburg",
        "organisation": "Harbourside Teacher Training College",
        "organisation_type": OrganisationType.OTHER,
        "area": Area.EMPLOYMENT,
        "stage": Stage.RUNNING,
        "started_on": date(2019, 1, 15),
        "still_running": True,
        "tags": [
            "recognition of qualifications",
            "european qualifications passport",
            "teacher shortage",
            "refugee teachers",
        ],
        "target_groups": ["refugees", "professionals"],
    },
    {
        "author": "teacher@example.org",
        "title": "Parents' café: migrant parents at the heart of school life",
        "summary": (
            "Every Friday morning the school opens a café for parents, run together with "
            "parent volunteers who speak the main family languages. Teachers drop in, "
            "parents learn how the school works, and questions get answered before they "
            "turn into problems."
        ),
        "challenge": (
            "Few migrant parents came to parent-teacher meetings, and teachers read this as "
            "lack of interest. Talking to parents showed the opposite: they cared a lot, but "
            "did not understand the letters, felt unwelcome at formal meetings, and did not "
            "know what was expected of them at home."
        ),
        "description": (
            "- A classroom near the entrance became the **parents' café**, open every "
            "Friday from 8:15 to 10:00.\n"
            "- Six parent volunteers, paid a small allowance, welcome families in Arabic, "
            "Turkish, Romanian, Somali, Dari and German.\n"
            "- Each month has a theme chosen with the parents: reading at home, the report "
            "card, choosing a secondary school, screen time.\n"
            "- Class teachers take turns to join for half an hour.\n"
            "- School letters are now short, with a picture summary, and are explained at "
            "the café the week they go out."
        ),
        "results": (
            "- Attendance at parent-teacher meetings rose from 38% to 71% of families in "
            "two years.\n"
            "- On average 45 parents come to the café each Friday.\n"
            "- Unexplained absences fell by a third."
        ),
        "resources": (
            "Allowances for six parent volunteers (€4,200 a year), coffee and tea, and "
            "about four hours a week of a social worker's time. Funded by the district's "
            "family support programme."
        ),
        "difficulties": (
            "Fathers rarely came at first; a Saturday football morning with a café corner "
            "now reaches them. Parent volunteers needed clear limits: they interpret and "
            "welcome, they do not handle conflicts between a family and a teacher."
        ),
        "transfer_tips": (
            "Let the parents choose the themes. Pay the parent volunteers, even a little. "
            "Make sure the head teacher comes regularly: it tells parents the café matters."
        ),
        "country": "AT",
        "city": "Vienna",
        "organisation": "Hillcrest Primary School",
        "organisation_type": OrganisationType.SCHOOL,
        "area": Area.EDUCATION,
        "stage": Stage.RUNNING,
        "started_on": date(2020, 10, 2),
        "still_running": True,
        "tags": ["parental involvement", "family languages", "school communication"],
        "target_groups": ["parents", "pupils"],
    },
    {
        "author": "city@example.org",
        "title": "Balanced school admissions to reduce segregation",
        "summary": (
            "The city replaced nearest-school admissions with a controlled-choice system: "
            "families rank several schools, and places are allocated so that each school's "
            "intake stays close to the district's social mix. Attractive new programmes in "
            "schools of poorer neighbourhoods give families a reason to choose them."
        ),
        "challenge": (
            "Because admissions followed the address, schools mirrored the housing market. "
            "In four neighbourhoods more than 80% of pupils had a migrant background and "
            "came from low-income families, while schools two kilometres away had almost "
            "none. Results and teacher turnover followed the same line."
        ),
        "description": (
            "- Families rank up to five primary schools in their district.\n"
            "- An allocation algorithm, published in plain language, gives priority to "
            "siblings and then balances each school's intake on one indicator: the share of "
            "pupils whose mother did not finish secondary school.\n"
            "- Schools in the most segregated neighbourhoods received new profiles: a "
            "bilingual stream, a science lab school and a music school.\n"
            "- Information sessions and a school visit week were held in nine languages, "
            "with neighbourhood mothers as guides.\n"
            "- A free school bus runs where the nearest balanced option is over 2 km away."
        ),
        "results": (
            "- The number of schools whose intake differs by more than 20 points from the "
            "district average fell from 11 of 32 to 5 of 32 in four years.\n"
            "- 89% of families got one of their first two choices.\n"
            "- Applications to the four profiled schools doubled."
        ),
        "resources": (
            "Two full-time staff in the admissions office, €650,000 for the new school "
            "profiles over three years, and €180,000 a year for the school bus."
        ),
        "difficulties": (
            "Strong opposition from some parents in the first year, and a court case about "
            "the allocation rules, which the city won. Trust depended on publishing the rules "
            "and the yearly figures openly."
        ),
        "transfer_tips": (
            "Do not start with the algorithm; start with making the schools in poorer "
            "neighbourhoods worth choosing. Publish everything, including what did not work."
        ),
        "country": "NL",
        "city": "Utrecht",
        "organisation": "Canal District Schools Admissions Office",
        "organisation_type": OrganisationType.CITY,
        "area": Area.HOUSING,
        "stage": Stage.EVALUATED,
        "started_on": date(2017, 9, 1),
        "still_running": True,
        "tags": ["school segregation", "school admissions", "desegregation"],
        "target_groups": ["pupils", "parents", "residents"],
    },
    {
        "author": "teacher@example.org",
        "title": "Sixteen-week fast track: Finnish and work from the first week",
        "summary": (
            "Instead of a year of classroom language lessons before any contact with work, "
            "newcomers combine 20 hours a week of intensive Finnish with two days of job "
            "shadowing in a workplace from the start. Language teachers build lessons from "
            "what participants hear and need at work."
        ),
        "challenge": (
            "Newcomers waited up to eight months for a language course and then studied for "
            "a year without practising the language outside the classroom. Motivation "
            "dropped, and many lost skills from their own profession."
        ),
        "description": (
            "- Groups of 15 start every six weeks, so waiting time is short.\n"
            "- Mornings: intensive Finnish in small groups, four days a week.\n"
            "- Two afternoons and one full day: job shadowing at one of 40 partner "
            "employers, matched to each participant's previous work.\n"
            "- Each participant keeps a **language diary** of words and situations from work, "
            "which the teachers use as lesson material.\n"
            "- A workplace buddy, trained in two short sessions, speaks clear Finnish and "
            "does not switch to English."
        ),
        "results": (
            "- 120 participants in the pilot; 74% reached level A2 within 16 weeks, against "
            "38 weeks on the standard course.\n"
            "- 41% were in paid work or vocational training six months later.\n"
            "- 33 of the 40 employers joined a second round."
        ),
        "resources": (
            "About €2,900 per participant, funded by the regional employment services and "
            "a European Social Fund project."
        ),
        "difficulties": (
            "Participants with little schooling needed a slower track; we now offer a "
            "24-week version. Matching to employers took more staff time than planned."
        ),
        "transfer_tips": (
            "Recruit the employers before the participants. Train the workplace buddies: a "
            "one-hour session on clear language makes the biggest difference."
        ),
        "country": "FI",
        "city": "Tampere",
        "organisation": "Northern Bridges Language School",
        "organisation_type": OrganisationType.OTHER,
        "area": Area.LANGUAGE,
        "stage": Stage.PILOT,
        "started_on": date(2022, 1, 10),
        "ended_on": date(2023, 6, 30),
        "tags": ["language learning", "learning at work", "job shadowing"],
        "target_groups": ["newcomers", "refugees"],
    },
    {
        "author": "city@example.org",
        "featured": True,
        "title": "Reaching migrant volunteers through their own channels",
        "summary": (
            "The city's volunteering campaigns reached almost no residents of migrant "
            "background, although many had volunteered for refugees since 2015. A targeted "
            "campaign in community social-media groups, in six languages, and personal "
            "contact through volunteer ambassadors changed who signs up."
        ),
        "challenge": (
            "After the refugee arrivals of 2014/15, many people with a foreign background "
            "volunteered informally, but the city's volunteer centre knew almost none of "
            "them. Generic messages in the city magazine and on the city's main accounts "
            "did not reach them, and the city missed a chance to connect with these "
            "communities."
        ),
        "description": (
            "- We mapped where residents actually talk: 35 community groups on Facebook, "
            "WhatsApp and Telegram, mosques, churches, sports clubs and shops.\n"
            "- Twelve **volunteer ambassadors**, themselves volunteers of migrant background, "
            "were trained and paid a small fee to talk to people in person and bring them "
            "to open evenings.\n"
            "- Short videos in Arabic, Tigrinya, Dari, Turkish, Romanian and French showed "
            "volunteers from these communities at work.\n"
            "- Sign-up works by phone or voice message, not only by web form.\n"
            "- Volunteer roles were reviewed so that fewer need fluent French."
        ),
        "results": (
            "- 212 new volunteers in the first year, 58% born abroad (previously under 5% "
            "of new sign-ups).\n"
            "- 64% were still active after six months.\n"
            "- Personal contact by an ambassador brought three times as many sign-ups as "
            "the paid social-media posts."
        ),
        "resources": (
            "€38,000 for the first year: ambassadors' fees, video production and "
            "interpreting at open evenings."
        ),
        "difficulties": (
            "Some community groups did not welcome messages from the city at first; it "
            "worked when a trusted member posted them. Volunteer organisations had to "
            "adapt their roles and induction, which took longer than the campaign."
        ),
        "transfer_tips": (
            "Budget for people, not for advertising. Ask community members which channels "
            "they use before producing anything. Measure who signs up, not how many clicks "
            "a post gets."
        ),
        "country": "FR",
        "city": "Lyon",
        "organisation": "Crossroads Volunteer Centre",
        "organisation_type": OrganisationType.CITY,
        "area": Area.PARTICIPATION,
        "stage": Stage.EVALUATED,
        "started_on": date(2019, 3, 1),
        "ended_on": date(2020, 2, 28),
        "tags": ["volunteering", "outreach", "social media", "community ambassadors"],
        "target_groups": ["volunteers", "residents"],
    },
    {
        "author": "city@example.org",
        "title": "Newcomer advisers on neighbourhood councils",
        "summary": (
            "Residents without the right to vote in local elections can sit on their "
            "neighbourhood council as advisers: they speak, propose projects for the "
            "participatory budget and vote on them. A short course explains how the council "
            "and the city budget work."
        ),
        "challenge": (
            "In some neighbourhoods a third of the adult residents could not vote in local "
            "elections because of their nationality. The councils decided about parks, "
            "schools and streets without hearing them, and trust in local government was low."
        ),
        "description": (
            "- Each of the six neighbourhood councils has two to four seats for advisers "
            "without voting rights in local elections, filled by open call and lottery "
            "among the applicants.\n"
            "- Advisers follow a **democracy course** of five evenings: how the council "
            "works, the budget, writing a proposal, speaking in a meeting.\n"
            "- Meetings offer interpreting on request and start after working hours.\n"
            "- Advisers can put projects forward for the neighbourhood's share of the "
            "participatory budget, and vote on them like everyone else."
        ),
        "results": (
            "- 14 advisers in the first term, from 11 countries.\n"
            "- 23 proposals submitted; 9 funded from the participatory budget, worth "
            "€180,000 in total (among them a women's swimming hour and a homework room).\n"
            "- Turnout of non-citizen residents in the participatory budget vote rose from "
            "3% to 11%."
        ),
        "resources": "One part-time coordinator and €12,000 a year for the course and interpreting.",
        "difficulties": (
            "Some council members saw the advisers as a threat at first. Advisers with "
            "insecure residence status worried about being visible; the city made clear "
            "that nothing is shared with immigration authorities."
        ),
        "transfer_tips": (
            "Give advisers something real to decide, such as part of a budget, or the seats "
            "stay empty. A lottery among applicants avoids the same few community leaders "
            "holding every seat."
        ),
        "country": "IT",
        "city": "Bologna",
        "organisation": "Riverside Quarter Participation Office",
        "organisation_type": OrganisationType.CITY,
        "area": Area.PARTICIPATION,
        "stage": Stage.RUNNING,
        "started_on": date(2021, 4, 1),
        "still_running": True,
        "tags": ["local democracy", "participatory budgeting", "political participation"],
        "target_groups": ["newcomers", "residents"],
    },
    {
        "author": "ngo@example.org",
        "title": "Migrant organisations as settlement partners",
        "summary": (
            "Eleven migrant associations accompany newly arrived households through their "
            "first six months, under a contract with the city. They are paid for this work, "
            "trained together, and linked to the city's services, so that newcomers get help "
            "from people who went through the same steps."
        ),
        "challenge": (
            "Migrant associations were doing much of the real settlement work, unpaid and "
            "unseen, in evenings and at weekends, while official services struggled to "
            "reach the same families. The associations burned out and the city did not know "
            "what they did."
        ),
        "description": (
            "- The network signed a framework contract with the city's social department: "
            "a fixed fee per household accompanied, plus a basic grant per association.\n"
            "- Each household gets a **settlement companion** who speaks its language, for "
            "six months: registration, bank account, doctor, school, language course.\n"
            "- Companions take a 40-hour training on the local system and on boundaries of "
            "the role, and meet monthly for supervision.\n"
            "- A named contact person in each city service answers companions' questions "
            "within two working days."
        ),
        "results": (
            "- 640 households accompanied in two years.\n"
            "- 90% were registered with a family doctor within three months (city average "
            "for newcomers: 55%).\n"
            "- Six of the eleven associations now employ staff for the first time."
        ),
        "resources": (
            "€410,000 over two years from the city and a foundation; about 60% goes to "
            "companions' fees."
        ),
        "difficulties": (
            "Reporting requirements were designed for large NGOs and took small associations "
            "too much time; we negotiated a one-page monthly report. Some associations "
            "competed for households at first."
        ),
        "transfer_tips": (
            "Pay the associations for the work, do not just invite them to meetings. Keep "
            "reporting light. A named contact in each service matters more than any "
            "referral form."
        ),
        "country": "DE",
        "city": "Leipzig",
        "organisation": "Bridges Migrant Network",
        "organisation_type": OrganisationType.MIGRANT_ORG,
        "area": Area.PARTICIPATION,
        "stage": Stage.RUNNING,
        "started_on": date(2020, 6, 1),
        "still_running": True,
        "tags": ["migrant organisations", "settlement", "peer support", "civil society"],
        "target_groups": ["newcomers", "refugees"],
    },
    {
        "author": "ngo@example.org",
        "title": "Home-sharing between young refugees and local residents",
        "summary": (
            "Young refugees leaving reception centres rent a room in the home of a local "
            "resident or family for six to twelve months. The NGO matches them, agrees a "
            "house contract with both sides and stays in touch, while the young person "
            "looks for a flat of their own."
        ),
        "challenge": (
            "Young adults who received protection had to leave reception centres within "
            "weeks, but landlords rarely rented to them: no rental history, no guarantor, "
            "and prejudice. Many ended up in overcrowded sublets in the same two "
            "neighbourhoods."
        ),
        "description": (
            "- Hosts apply online and are visited at home; guests are referred by reception "
            "centres and social workers.\n"
            "- Matching considers language, habits, interests and distance to work or "
            "school.\n"
            "- Host and guest sign a **house contract** covering rent (capped at €250), "
            "chores, visitors and quiet hours.\n"
            "- A coach calls both every two weeks in the first two months, then monthly.\n"
            "- From month four, the coach helps the guest search for a flat and collects a "
            "reference from the host."
        ),
        "results": (
            "- 87 matches in three years; 79% lasted at least six months.\n"
            "- 46 guests moved on to a tenancy in their own name.\n"
            "- 70% of hosts said they would host again."
        ),
        "resources": "Two coaches (1.5 full-time posts), about €95,000 a year, funded by the region.",
        "difficulties": (
            "Finding hosts outside the city centre was hard. A few matches ended early "
            "because expectations about shared meals and visitors had not been discussed; "
            "the house contract now covers both."
        ),
        "transfer_tips": (
            "Do not skip the home visit or the house contract. Plan the move-on from the "
            "start: home-sharing is a bridge, not the end of the road."
        ),
        "country": "ES",
        "city": "Valencia",
        "organisation": "Open Doors Home-Share",
        "organisation_type": OrganisationType.NGO,
        "area": Area.HOUSING,
        "stage": Stage.RUNNING,
        "started_on": date(2019, 11, 1),
        "still_running": True,
        "tags": ["housing", "home sharing", "young refugees"],
        "target_groups": ["refugees", "youth", "residents"],
    },
    {
        "author": "ngo@example.org",
        "title": "Community health guides who speak the language",
        "summary": (
            "Migrant women from the main language communities are trained as health guides. "
            "They run small group sessions in their own language on how the health system "
            "works, prevention and mental health, and accompany people to their first "
            "appointments."
        ),
        "challenge": (
            "Newcomers used emergency departments for problems a family doctor could treat, "
            "missed vaccinations and screenings, and rarely asked for help with stress or "
            "trauma. Leaflets in translation changed little."
        ),
        "description": (
            "- 38 guides speaking 12 languages took a 60-hour course designed with the "
            "public health service.\n"
            "- Sessions are held where people already meet: language schools, mosques, "
            "community centres, parents' cafés.\n"
            "- Topics: the family doctor and emergencies, children's vaccinations, women's "
            "health, sleep and stress.\n"
            "- Guides can accompany a participant to a first appointment and know whom to "
            "call for a professional interpreter."
        ),
        "results": (
            "- 1,150 participants in 160 sessions in the first two years.\n"
            "- Among participants with children, 84% had up-to-date vaccinations after a "
            "year, against 61% before the sessions.\n"
            "- 38% of the guides have since found paid work in health or social care."
        ),
        "resources": (
            "€120,000 a year: guides' fees (€25 an hour), training and coordination. Funded "
            "by the public health service and a health insurer."
        ),
        "difficulties": (
            "Guides were sometimes asked for medical advice they may not give; clear "
            "scripts and a hotline to a nurse helped. Mental health sessions needed more "
            "supervision for the guides themselves."
        ),
        "transfer_tips": (
            "Design the course with the health professionals who will receive the patients. "
            "Pay the guides and count the work as a step towards a health-care career."
        ),
        "country": "CZ",
        "city": "Brno",
        "organisation": "Healthy Neighbours Association",
        "organisation_type": OrganisationType.NGO,
        "area": Area.HEALTH,
        "stage": Stage.EVALUATED,
        "started_on": date(2021, 2, 1),
        "still_running": True,
        "tags": ["health literacy", "community health", "peer education"],
        "target_groups": ["women", "newcomers", "parents"],
    },
    {
        "author": "city@example.org",
        "title": "Retired professionals mentor newcomers into skilled jobs",
        "summary": (
            "Retired engineers, nurses, accountants and teachers mentor newcomers with "
            "professional qualifications for nine months. They explain how their profession "
            "works locally, practise interviews and open their networks, while the city's "
            "employment office handles recognition of diplomas."
        ),
        "challenge": (
            "Qualified newcomers took low-skilled jobs because they had no network, did not "
            "know the unwritten rules of applications, and could not find out which "
            "recognition procedure applied to them."
        ),
        "description": (
            "- Mentors are recruited through professional associations and pensioners' "
            "clubs, and matched by profession.\n"
            "- Mentor and mentee meet at least twice a month for nine months.\n"
            "- A **professional roadmap** is written together in the first month: "
            "recognition steps, language goals, target employers.\n"
            "- The employment office assigns one case worker for recognition questions.\n"
            "- Quarterly evenings bring mentees and employers together."
        ),
        "results": (
            "- 150 pairs in three rounds.\n"
            "- 57% of mentees worked at their qualification level within a year of "
            "finishing, against 22% in a comparison group.\n"
            "- 40% of mentors signed up for a second round."
        ),
        "resources": "One coordinator and €30,000 a year for events and mentor training.",
        "difficulties": (
            "Some mentors expected a quick job placement and were frustrated by slow "
            "recognition procedures; the roadmap now makes realistic timelines visible."
        ),
        "transfer_tips": (
            "Match by profession, not only by sympathy. Give mentors one short training on "
            "the recognition system so that they do not give wrong advice."
        ),
        "country": "IE",
        "city": "Dublin",
        "organisation": "Northside Employment and Skills Office",
        "organisation_type": OrganisationType.CITY,
        "area": Area.EMPLOYMENT,
        "stage": Stage.RUNNING,
        "started_on": date(2020, 9, 1),
        "still_running": True,
        "tags": ["mentoring", "recognition of qualifications", "skilled work"],
        "target_groups": ["professionals", "newcomers", "refugees"],
    },
    {
        "author": "ngo@example.org",
        "title": "Volunteer mentors for unaccompanied minors turning eighteen",
        "summary": (
            "Unaccompanied minors lose most of their support on their eighteenth birthday. "
            "Trained volunteer mentors start a year earlier and stay for at least two years, "
            "helping with school, paperwork and the move to independent living."
        ),
        "challenge": (
            "Young people who arrived alone were well supported in shelters until 18 and "
            "then left almost without help: new housing, new rules, school exams and asylum "
            "procedures all at once. Many dropped out of school in that year."
        ),
        "description": (
            "- Volunteers take a 20-hour course on the asylum system, trauma and "
            "boundaries, and are vetted.\n"
            "- Matching starts at 17, with the young person choosing among two or three "
            "mentors.\n"
            "- Mentor and mentee meet weekly; a social worker supervises groups of ten "
            "mentors.\n"
            "- A **turning-eighteen checklist** covers documents, bank account, housing, "
            "school and health insurance, month by month."
        ),
        "results": (
            "- 64 young people mentored so far; 81% were still in school or training a "
            "year after turning 18 (46% among those without a mentor).\n"
            "- Average mentoring relationship: 26 months."
        ),
        "resources": "One social worker, training costs, about €55,000 a year from private donors.",
        "difficulties": (
            "Keeping mentors for two years is hard; group activities for mentors and "
            "mentees together helped retention."
        ),
        "transfer_tips": (
            "Start before the eighteenth birthday, not after. Let the young person choose "
            "the mentor. Supervise the volunteers properly."
        ),
        "country": "GR",
        "city": "Athens",
        "organisation": "Safe Passage Youth Mentoring",
        "organisation_type": OrganisationType.NGO,
        "area": Area.OTHER,
        "stage": Stage.RUNNING,
        "started_on": date(2018, 5, 1),
        "still_running": True,
        "tags": ["unaccompanied minors", "mentoring", "transition to adulthood"],
        "target_groups": ["unaccompanied-minors", "youth", "volunteers"],
    },
]

# Collections kept by the moderators: practices listed by title, in reading order.
COLLECTIONS: list[dict] = [
    {
        "title": "Urban Academy on Integration — Education module",
        "introduction": (
            "In April 2018 practitioners and policy makers from cities, regions and national "
            "governments met in Brussels for the first Urban Academy on Integration. Its "
            "education module started from a plain observation: schools are where integration "
            "happens every day, yet pupils of migrant and refugee background still leave them "
            "with weaker results and drop out more often than their classmates.\n\n"
            "The practices below follow the module's themes, in the order it took them up:\n\n"
            "- **teachers learning from teachers**: specialised teachers passing on what they "
            "know to mainstream colleagues who have never taught a newcomer pupil;\n"
            "- **refugees who were teachers** finding their way back into classrooms, with the "
            "European Qualifications Passport for Refugees as a first step;\n"
            "- **parents** as partners in their children's education;\n"
            "- **segregation** between schools, and what a city can do about it;\n"
            "- **learning the language fast**, from the first week.\n\n"
            "Each one is written up by people who did it. Read the discussion under each, and "
            "add your own experience: that is how the exchange started in Brussels keeps going."
        ),
        "practices": [
            "Teacher tandems: reception-class teachers coach mainstream colleagues",
            "From refugee to teacher with the European Qualifications Passport",
            "Parents' café: migrant parents at the heart of school life",
            "Balanced school admissions to reduce segregation",
            "Sixteen-week fast track: Finnish and work from the first week",
        ],
    },
]

# --- Follows ----------------------------------------------------------------------------------
# Tags each demo member follows, so that their feed, the tag pages' follower counts and the
# "What you follow" page have something in them from the start. They are followed after the
# practices exist, so nobody is notified of the demo practices.
FOLLOWS: dict[str, list[str]] = {
    "teacher@example.org": [
        "language learning",
        "parental involvement",
        "school segregation",
        "mentoring",
    ],
    "city@example.org": ["volunteering", "local democracy", "mentoring", "newcomer pupils"],
    "ngo@example.org": [
        "housing",
        "migrant organisations",
        "community health",
        "unaccompanied minors",
    ],
    "moderator@example.org": ["school segregation", "political participation", "language learning"],
}

# --- Adaptations ------------------------------------------------------------------------------
# A practice taken home: the city official adapts the teacher tandems to Lyon's schools.
ADAPTATIONS: list[dict] = [
    {
        "author": "city@example.org",
        "original": "Teacher tandems: reception-class teachers coach mainstream colleagues",
        "city": "Lyon",
        "country": "FR",
        "organisation": "Office for Newcomers and Neighbourhoods",
        "organisation_type": OrganisationType.CITY,
        "changes": (
            "We run the tandems across **four schools** rather than inside one: a reception "
            "teacher from a school with a newcomer class coaches mainstream colleagues in the "
            "three schools nearby, which have no reception class of their own.\n\n"
            "- The city pays the replacement hours, so tandems meet in school time.\n"
            "- Tandems last one term instead of a year, because our newcomer pupils change "
            "school more often."
        ),
        "outcome": (
            "Twelve tandems in the first term. Nine of the twelve mainstream teachers said they "
            "now plan lessons with a language goal; two schools asked to continue."
        ),
        "stage": Stage.PILOT,
    },
]
