"""Short keys used in parameter sources, and what they stand for.

``docs/ODD.md`` prints this list as its reference section.
"""

from __future__ import annotations

SOURCE_ARTICLES: dict[str, str] = {
    "MgmtMag": "Management Magazine, corporate case study 'Reverse mentoring: understanding the real benefits of learning "
    "from millennials' (GE 1999; MasterCard 2013; reciprocal mentoring; Deloitte Millennial Survey 2014).",
    "RMBusiness": "'How Reverse Mentoring Can Help Your Business' (GE; Estée Lauder from 2014; Microsoft Norway; "
    "P&G 'Mentor Up'; setting up a scheme; cascading to all levels).",
    "RMExpertise": "'Reverse Mentoring - Sharing of Expertise and Skills' (conditions of success and best practices; "
    "The Hartford case after DeAngelis 2013).",
    "Juma": "Juma, S., 'Reverse Mentoring', NHL Stenden University (three main benefits: retention, digital skills, diversity).",
    "Newmeasures": "Newmeasures LLC, 'Reverse Mentoring: A Strategy for Increasing Millennial Engagement?' (mission, "
    "feeling valued, inclusion; GE required executives to take a mentor).",
}
"""The articles the project started from, by the key used in parameter sources."""

LITERATURE: dict[str, str] = {
    "Allen et al. 2004": "Allen, T. D., Eby, L. T., Poteet, M. L., Lentz, E., & Lima, L. (2004). Career benefits associated "
    "with mentoring for proteges: a meta-analysis. Journal of Applied Psychology, 89(1), 127-136.",
    "Allen, Eby & Lentz 2006": "Allen, T. D., Eby, L. T., & Lentz, E. (2006). Mentorship behaviors and mentorship quality "
    "associated with formal mentoring programs. Journal of Applied Psychology, 91(3).",
    "Boushey & Glynn 2012": "Boushey, H., & Glynn, S. J. (2012). There are significant business costs to replacing "
    "employees. Center for American Progress.",
    "BLS Employee Tenure": "U.S. Bureau of Labor Statistics, Employee Tenure news releases (January 2016; January 2024).",
    "DeAngelis 2013": "DeAngelis, K. L. (2013). Reverse mentoring at The Hartford: cross-generational transfer of "
    "knowledge about social media. Boston College Sloan Center on Aging & Work.",
    "Eby et al. 2013": "Eby, L. T., et al. (2013). An interdisciplinary meta-analysis of the potential antecedents, "
    "correlates, and consequences of protege perceptions of mentoring. Psychological Bulletin, 139(2).",
    "Clutterbuck & Ragins 2002": "Clutterbuck, D., & Ragins, B. R. (2002). Mentoring and Diversity: An International "
    "Perspective. Butterworth-Heinemann.",
    "Pritchard et al. 1999": "Pritchard, J. K., Seielstad, M. T., Perez-Lezaun, A., & Feldman, M. W. (1999). Population "
    "growth of human Y chromosomes: a study of Y chromosome microsatellites. Molecular Biology and Evolution, 16(12).",
    "Beaumont, Zhang & Balding 2002": "Beaumont, M. A., Zhang, W., & Balding, D. J. (2002). Approximate Bayesian "
    "computation in population genetics. Genetics, 162(4), 2025-2035.",
    "Starcevich 2001": "Starcevich, M. M. (2001). Reverse mentoring at GE (cited in the project's research notes for "
    "the figure of 600 executives) [A].",
    "Gale & Shapley 1962": "Gale, D., & Shapley, L. S. (1962). College admissions and the stability of marriage. "
    "American Mathematical Monthly, 69(1), 9-15.",
    "Ghosh & Reio 2013": "Ghosh, R., & Reio, T. G. (2013). Career benefits associated with mentoring for mentors: "
    "a meta-analysis. Journal of Vocational Behavior, 83.",
    "Tatel & Ackerman 2025": "Tatel, C. E., & Ackerman, P. L. (2025). Procedural skill retention and decay: "
    "a meta-analytic review. Psychological Bulletin.",
    "Underhill 2006": "Underhill, C. M. (2006). The effectiveness of mentoring programs in corporate settings: "
    "a meta-analytical review. Journal of Vocational Behavior, 68.",
    "White 1970": "White, H. C. (1970). Chains of Opportunity: System Models of Mobility in Organizations. "
    "Harvard University Press.",
    "Pew": "Pew Research Center, generation birth-year boundaries (Boomers 1946-64, Gen X 1965-80, "
    "Millennials 1981-96, Gen Z 1997-2012).",
    "Mentoring platforms": "Product documentation of the mentoring platforms MentorcliQ, Chronus, Together and PushFar "
    "(matching scores, mentor capacity limits, programme length and meeting cadence settings), consulted 2026.",
    "Castro, Scandura & Williams 2004": "Castro, S. L., Scandura, T. A., & Williams, E. A. (2004). Validity of Scandura "
    "and Ragins' (1993) multidimensional mentoring measure: an evaluation and refinement. University of Miami.",
    "Scandura & Ragins 1993": "Scandura, T. A., & Ragins, B. R. (1993). The effects of sex and gender role orientation "
    "on mentorship in male-dominated occupations. Journal of Vocational Behavior, 43(3), 251-265.",
    "Schaufeli, Bakker & Salanova 2006": "Schaufeli, W. B., Bakker, A. B., & Salanova, M. (2006). The measurement of work "
    "engagement with a short questionnaire. Educational and Psychological Measurement, 66(4), 701-716.",
    "Bothma & Roodt 2013": "Bothma, C. F. C., & Roodt, G. (2013). The validation of the turnover intention scale. "
    "SA Journal of Human Resource Management, 11(1).",
    "Mor Barak 2005": "Mor Barak, M. E. (2005). Managing Diversity: Toward a Globally Inclusive Workplace. Sage.",
    "Nishii 2013": "Nishii, L. H. (2013). The benefits of climate for inclusion for gender-diverse groups. "
    "Academy of Management Journal, 56(6), 1754-1774.",
    "Compeau & Higgins 1995": "Compeau, D. R., & Higgins, C. A. (1995). Computer self-efficacy: development of a measure "
    "and initial test. MIS Quarterly, 19(2), 189-211.",
    "Feldt 1965": "Feldt, L. S. (1965). The approximate sampling distribution of Kuder-Richardson reliability "
    "coefficient twenty. Psychometrika, 30(3), 357-370.",
    "Eby et al. 2008": "Eby, L. T., Allen, T. D., Evans, S. C., Ng, T., & DuBois, D. L. (2008). Does mentoring matter? "
    "A multidisciplinary meta-analysis comparing mentored and non-mentored individuals. Journal of Vocational "
    "Behavior, 72(2), 254-267.",
    "Gallup 2016": "Gallup (2016). How Millennials Want to Work and Live. Gallup, Inc.",
    "Gallup 2024": "Gallup (2024). State of the Global Workplace: 2024 Report. Gallup, Inc.",
}
"""Published literature cited in parameter sources."""
